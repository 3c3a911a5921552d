//! Orders (`/api/procurements/participants/…`): a buyer's share of a procurement, which the
//! organizer confirms and delivers and the buyer pays from the balance.

use super::{ApiError, Page};
use money::{Money, Quantity};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Paid,
    Delivered,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Participant {
    pub id: i64,
    pub procurement: i64,
    pub user: i64,
    pub user_name: String,
    pub quantity: Quantity,
    pub amount: Money,
    pub status: OrderStatus,
    pub status_display: String,
    #[serde(default)]
    pub notes: String,
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize)]
struct Change {
    status: OrderStatus,
}

/// Moves an order: `confirmed` (organizer), `paid` (the buyer, from the balance into escrow),
/// `delivered` (organizer) or `cancelled`.
pub async fn change_status(id: i64, status: OrderStatus) -> Result<Participant, ApiError> {
    super::post(&format!("procurements/participants/{id}/update_status/"), &Change { status }).await
}

/// The person's own orders, newest changes included (cancelled ones too).
pub async fn of_user(user_id: i64, page: u64) -> Result<Page<Participant>, ApiError> {
    super::get(
        "procurements/participants/",
        &super::query(&[("user", user_id.to_string()), ("page", page.to_string())]),
    )
    .await
}
