//! Procurements (`/api/procurements/…`): the catalog's list, one procurement, the organizer's
//! writes (open, edit, move through the lifecycle) and the buyer's join and leave.

use super::participants::Participant;
use super::{ApiError, Page};
use money::{Money, Percent, Quantity};
use serde::{Deserialize, Serialize};

/// A procurement's lifecycle state as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    #[default]
    Active,
    Stopped,
    Payment,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Draft, Status::Active, Status::Stopped, Status::Payment, Status::Completed, Status::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Stopped => "stopped",
            Status::Payment => "payment",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    /// The states the server's transition table allows next (workflows' procurement status):
    /// draft → active, active → stopped, stopped → payment, payment → completed, and any
    /// unfinished one → cancelled.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Draft => &[Status::Active, Status::Cancelled],
            Status::Active => &[Status::Stopped, Status::Cancelled],
            Status::Stopped => &[Status::Payment, Status::Cancelled],
            Status::Payment => &[Status::Completed, Status::Cancelled],
            Status::Completed | Status::Cancelled => &[],
        }
    }
}

/// A procurement in lists.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Listed {
    pub id: i64,
    pub title: String,
    pub category: Option<i64>,
    pub category_name: Option<String>,
    pub organizer: i64,
    pub organizer_name: String,
    pub city: String,
    pub target_amount: Money,
    pub current_amount: Money,
    pub stop_at_amount: Option<Money>,
    pub price_per_unit: Option<Money>,
    pub unit: String,
    /// Percent of the target collected, as the server truncates it.
    pub progress: i32,
    pub participant_count: i32,
    pub status: Status,
    pub deadline: String,
    pub days_left: i64,
    pub can_join: bool,
    #[serde(default)]
    pub image_url: String,
    #[serde(default)]
    pub is_featured: bool,
}

/// One procurement with its current participants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Detail {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: Option<i64>,
    pub category_name: Option<String>,
    pub organizer: i64,
    pub organizer_name: String,
    pub supplier: Option<i64>,
    pub city: String,
    pub delivery_address: String,
    pub target_amount: Money,
    pub current_amount: Money,
    pub stop_at_amount: Option<Money>,
    pub unit: String,
    pub price_per_unit: Option<Money>,
    pub min_quantity: Quantity,
    pub commission_percent: Percent,
    pub status: Status,
    pub status_display: String,
    pub deadline: String,
    pub payment_deadline: Option<String>,
    pub image_url: String,
    pub is_featured: bool,
    pub progress: i32,
    pub participant_count: i32,
    pub days_left: i64,
    pub can_join: bool,
    pub participants: Vec<Participant>,
    pub created_at: String,
    pub updated_at: String,
}

impl Detail {
    /// What is still to collect before the target (zero once reached).
    pub fn left_to_collect(&self) -> Money {
        self.target_amount.checked_sub(self.current_amount).filter(|m| m.kopecks() > 0).unwrap_or(Money::ZERO)
    }
}

/// The catalog's filters, as query parameters (an empty value leaves a filter out).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub status: String,
    pub category: String,
    pub city: String,
    pub organizer: String,
    pub supplier: String,
    pub featured: bool,
    pub active_only: bool,
    pub search: String,
    pub ordering: String,
    pub page: u64,
}

impl Filter {
    fn query(&self) -> Vec<(String, String)> {
        let flag = |on: bool| if on { "true".to_string() } else { String::new() };
        super::query(&[
            ("status", self.status.clone()),
            ("category", self.category.clone()),
            ("city", self.city.trim().to_string()),
            ("organizer", self.organizer.clone()),
            ("supplier", self.supplier.clone()),
            ("is_featured", flag(self.featured)),
            ("active_only", flag(self.active_only)),
            ("search", self.search.clone()),
            ("ordering", self.ordering.clone()),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
        ])
    }
}

pub async fn list(filter: &Filter) -> Result<Page<Listed>, ApiError> {
    super::get("procurements/", &filter.query()).await
}

pub async fn get(id: i64) -> Result<Detail, ApiError> {
    super::get(&format!("procurements/{id}/"), &[]).await
}

/// The organizer's form, as `POST` and `PATCH` take it (decimal strings for money).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Terms {
    pub title: String,
    pub description: String,
    pub category: Option<i64>,
    pub city: String,
    pub delivery_address: String,
    pub target_amount: Money,
    pub stop_at_amount: Option<Money>,
    pub unit: String,
    pub price_per_unit: Option<Money>,
    pub min_quantity: Option<Quantity>,
    pub commission_percent: Option<Percent>,
    /// RFC 3339.
    pub deadline: String,
    pub payment_deadline: Option<String>,
    pub image_url: String,
}

#[derive(Serialize)]
struct NewProcurement<'a> {
    organizer: i64,
    #[serde(flatten)]
    terms: &'a Terms,
}

pub async fn open(organizer: i64, terms: &Terms) -> Result<Detail, ApiError> {
    super::post("procurements/", &NewProcurement { organizer, terms }).await
}

/// A draft's whole form; a published procurement's terms (price, minimum, commission) are
/// locked by the server, so they are sent only while a draft.
pub async fn edit(id: i64, terms: &Terms, draft: bool) -> Result<Detail, ApiError> {
    let mut body = serde_json::to_value(terms).map_err(|e| ApiError {
        status: 0,
        error: e.to_string(),
        code: "unsendable".into(),
    })?;
    if !draft && let Some(fields) = body.as_object_mut() {
        for locked in ["price_per_unit", "min_quantity", "commission_percent"] {
            fields.remove(locked);
        }
    }
    super::patch(&format!("procurements/{id}/"), &body).await
}

#[derive(Serialize)]
struct StatusChange {
    status: Status,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusOut {
    pub status: Status,
    pub status_display: String,
}

pub async fn change_status(id: i64, status: Status) -> Result<StatusOut, ApiError> {
    super::post(&format!("procurements/{id}/update_status/"), &StatusChange { status }).await
}

#[derive(Serialize)]
struct Join {
    user_id: i64,
    quantity: Quantity,
    /// The amount the buyer saw: the server refuses a join whose amount differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Money>,
}

pub async fn join(id: i64, user_id: i64, quantity: Quantity, amount: Option<Money>) -> Result<Participant, ApiError> {
    super::post(&format!("procurements/{id}/join/"), &Join { user_id, quantity, amount }).await
}

#[derive(Serialize)]
struct UserRef {
    user_id: i64,
}

#[derive(Deserialize)]
struct Message {
    #[allow(dead_code)]
    message: String,
}

pub async fn leave(id: i64, user_id: i64) -> Result<(), ApiError> {
    super::post::<_, Message>(&format!("procurements/{id}/leave/"), &UserRef { user_id }).await.map(|_| ())
}

/// A procurement the person takes part in, with their own order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Participating {
    #[serde(flatten)]
    pub procurement: Listed,
    pub my_amount: Money,
    pub my_quantity: Quantity,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Mine {
    pub organized: Vec<Listed>,
    pub participating: Vec<Participating>,
}

/// What a person organizes and takes part in.
pub async fn of_user(user_id: i64) -> Result<Mine, ApiError> {
    super::get(&format!("procurements/user/{user_id}/"), &[]).await
}
