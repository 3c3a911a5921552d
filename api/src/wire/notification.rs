//! Notifications with the original API's field names.

use super::enums::NotificationTypeName;
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::notify::Notification;

#[derive(Debug, Object)]
pub struct NotificationOut {
    pub id: i64,
    pub user: i64,
    pub notification_type: String,
    pub title: String,
    pub message: String,
    #[oai(nullable)]
    pub procurement: Option<i64>,
    #[oai(nullable)]
    pub procurement_title: Option<String>,
    pub is_read: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Notification> for NotificationOut {
    fn from(n: Notification) -> Self {
        let d = n.delivery;
        Self {
            id: d.id,
            user: d.user_id,
            notification_type: d.notification_type,
            title: d.title,
            message: d.message,
            procurement: d.procurement_id,
            procurement_title: n.procurement_title,
            is_read: n.is_read,
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct NotificationIn {
    pub user_id: i64,
    pub notification_type: NotificationTypeName,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    #[oai(validator(min_length = 1, max_length = 4000))]
    pub message: String,
    #[oai(nullable)]
    pub procurement_id: Option<i64>,
}

#[derive(Debug, Object)]
pub struct MarkAllRead {
    /// The caller when omitted with a user token.
    #[oai(nullable)]
    pub user_id: Option<i64>,
}

#[derive(Debug, Object)]
pub struct MarkedAll {
    pub message: String,
    /// How many were unread.
    pub count: u64,
}
