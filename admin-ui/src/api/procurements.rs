//! `procurements/`: status changes through the state machine, featuring, bulk actions.

use super::{Affected, ApiError, BulkAction, Page, Params, url};
use money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Procurement {
    pub id: i64,
    pub title: String,
    pub category: Option<i64>,
    pub category_name: Option<String>,
    pub organizer: i64,
    pub organizer_name: String,
    pub supplier: Option<i64>,
    pub city: String,
    pub target_amount: Money,
    pub current_amount: Money,
    pub status: String,
    pub status_display: String,
    pub deadline: String,
    pub is_featured: bool,
    pub progress: i32,
    pub participant_count: u64,
    pub paid_count: u64,
    pub allowed_statuses: Vec<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct StatusChange {
    pub old_status: String,
    pub new_status: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct FeaturedFlag {
    pub is_featured: bool,
}

/// One person's order in a procurement.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Participant {
    pub id: i64,
    pub user: i64,
    pub user_name: String,
    pub quantity: String,
    pub amount: Money,
    pub status: String,
    pub status_display: String,
    pub is_active: bool,
    pub created_at: String,
}

#[derive(Serialize)]
struct StatusIn<'a> {
    status: &'a str,
}

/// The procurement statuses with their Russian names.
pub const STATUSES: [(&str, &str); 6] = [
    ("draft", "Черновик"),
    ("active", "Сбор"),
    ("stopped", "Остановлена"),
    ("payment", "Оплата"),
    ("completed", "Завершена"),
    ("cancelled", "Отменена"),
];

pub fn status_label(status: &str) -> &str {
    STATUSES.iter().find(|(s, _)| *s == status).map_or(status, |(_, label)| label)
}

pub async fn list(params: Params) -> Result<Page<Procurement>, ApiError> {
    web_kit::http::get(&url("procurements/"), &params).await
}

pub async fn update_status(id: i64, status: &str) -> Result<StatusChange, ApiError> {
    web_kit::http::post(&url(&format!("procurements/{id}/update_status/")), &StatusIn { status }).await
}

pub async fn toggle_featured(id: i64) -> Result<FeaturedFlag, ApiError> {
    web_kit::http::post_empty(&url(&format!("procurements/{id}/toggle_featured/"))).await
}

pub async fn participants(id: i64) -> Result<Vec<Participant>, ApiError> {
    web_kit::http::get(&url(&format!("procurements/{id}/participants/")), &[]).await
}

pub async fn bulk_action(ids: &[i64], action: &str) -> Result<Affected, ApiError> {
    web_kit::http::post(&url("procurements/bulk_action/"), &BulkAction { ids, action }).await
}
