//! Staff views of chat messages and notifications, and the bulk notification form.

use crate::wire::chat::MessageOut;
use crate::wire::enums::NotificationTypeName;
use poem_openapi::Object;
use workflows::admin::messages::StaffMessage;

#[derive(Object)]
pub struct AdminMessageOut {
    #[oai(flatten)]
    pub message: MessageOut,
    pub procurement_title: String,
}

impl From<StaffMessage> for AdminMessageOut {
    fn from(m: StaffMessage) -> Self {
        Self { message: m.message.into(), procurement_title: m.procurement_title }
    }
}

#[derive(Object)]
pub struct Toggled {
    pub is_deleted: bool,
}

/// A notification to many people: `user_ids` (those that exist), or every active person.
#[derive(Object)]
pub struct SendBulkIn {
    #[oai(nullable)]
    pub user_ids: Option<Vec<i64>>,
    /// `system` unless given.
    #[oai(nullable)]
    pub notification_type: Option<NotificationTypeName>,
    #[oai(nullable, validator(max_length = 200))]
    pub title: Option<String>,
    #[oai(nullable, validator(max_length = 4000))]
    pub message: Option<String>,
}

#[derive(Object)]
pub struct BulkSent {
    /// How many people it goes to.
    pub sent: i64,
    /// The task id of the job that writes and delivers the notifications.
    pub job: String,
}
