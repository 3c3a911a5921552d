//! `notifications/` and `send_bulk/`.

use super::{ApiError, Page, Params, url};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Notification {
    pub id: i64,
    pub user: i64,
    pub notification_type: String,
    pub title: String,
    pub message: String,
    pub procurement: Option<i64>,
    pub is_read: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkNotification {
    /// Absent: every active person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<i64>>,
    pub notification_type: String,
    pub title: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Queued {
    pub sent: u64,
    pub job: String,
}

pub async fn list(params: Params) -> Result<Page<Notification>, ApiError> {
    web_kit::http::get(&url("notifications/"), &params).await
}

pub async fn send_bulk(notification: &BulkNotification) -> Result<Queued, ApiError> {
    web_kit::http::post(&url("notifications/send_bulk/"), notification).await
}
