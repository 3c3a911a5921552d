//! The person's notifications (`/api/chat/notifications/…`); new ones also arrive over
//! `/ws/notifications/` (`crate::live::notifications`).

use super::{ApiError, Page};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Notification {
    pub id: i64,
    pub notification_type: String,
    pub title: String,
    pub message: String,
    pub procurement: Option<i64>,
    pub procurement_title: Option<String>,
    pub is_read: bool,
    pub created_at: String,
}

/// Newest first, 20 a page.
pub async fn list(page: u64) -> Result<Page<Notification>, ApiError> {
    super::get("chat/notifications/", &super::query(&[("page", page.to_string())])).await
}

pub async fn mark_read(id: i64) -> Result<Notification, ApiError> {
    super::post(&format!("chat/notifications/{id}/mark_read/"), &serde_json::json!({})).await
}

#[derive(Serialize)]
struct Everyone {}

/// Marks all of the signed-in person's notifications read (the page reads them again after).
pub async fn mark_all_read() -> Result<(), ApiError> {
    let _: serde::de::IgnoredAny = super::post("chat/notifications/mark_all_read/", &Everyone {}).await?;
    Ok(())
}
