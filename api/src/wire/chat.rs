//! Chat messages, read marks and unread counts, with the original API's field names.

use super::enums::MessageTypeName;
use chrono::{DateTime, Utc};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{Multipart, Object};
use workflows::chat::{Message, RoomUnread};

#[derive(Debug, Object)]
pub struct MessageOut {
    pub id: i64,
    /// Increasing within the procurement's chat; what a socket names in `?since=`.
    pub seq: i64,
    pub procurement: i64,
    /// The author; null for system messages.
    #[oai(nullable)]
    pub user: Option<i64>,
    pub user_name: String,
    pub message_type: String,
    pub text: String,
    pub attachment_url: String,
    pub is_edited: bool,
    pub is_deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Message> for MessageOut {
    fn from(m: Message) -> Self {
        Self {
            id: m.id,
            seq: m.seq,
            procurement: m.procurement_id,
            user: m.user_id,
            user_name: m.user_name,
            message_type: m.message_type,
            text: m.text,
            attachment_url: m.attachment_url,
            is_edited: m.is_edited,
            is_deleted: m.is_deleted,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct MessageIn {
    pub procurement_id: i64,
    /// The author: the caller when omitted with a user token; required with a service key.
    #[oai(nullable)]
    pub user_id: Option<i64>,
    #[oai(validator(max_length = 4000), deserialize_with = "crate::wire::strict")]
    pub text: String,
    /// `text` unless given.
    #[oai(nullable)]
    pub message_type: Option<MessageTypeName>,
    #[oai(nullable, validator(max_length = 500))]
    pub attachment_url: Option<String>,
}

#[derive(Debug, Object)]
pub struct MessageEdit {
    #[oai(validator(max_length = 4000), deserialize_with = "crate::wire::strict")]
    pub text: String,
}

#[derive(Debug, Object)]
pub struct MarkRead {
    /// The reader: the caller when omitted with a user token.
    #[oai(nullable)]
    pub user_id: Option<i64>,
    pub procurement_id: i64,
    /// Read up to this message; up to the latest when omitted.
    #[oai(nullable)]
    pub message_id: Option<i64>,
}

#[derive(Debug, Object)]
pub struct RoomUnreadOut {
    pub procurement_id: i64,
    pub unread_count: i64,
}

impl From<RoomUnread> for RoomUnreadOut {
    fn from(r: RoomUnread) -> Self {
        Self { procurement_id: r.procurement_id, unread_count: r.unread_count }
    }
}

/// Unread messages of other people: in one chat (`procurement_id` given) or in all of them.
#[derive(Debug, Object)]
pub struct UnreadOut {
    /// The chat asked about; null for all chats.
    #[oai(nullable)]
    pub procurement_id: Option<i64>,
    pub unread_count: i64,
    /// Per chat, those with unread messages.
    pub chats: Vec<RoomUnreadOut>,
}

/// `{"message": "…"}`, as the original API answered actions.
#[derive(Debug, Object)]
pub struct Done {
    pub message: String,
}

/// A file for a chat message: PNG, JPEG, GIF, WebP or PDF, up to 5 MiB.
#[derive(Debug, Multipart)]
pub struct UploadForm {
    #[oai(validator(minimum(value = "1")))]
    pub procurement_id: i64,
    pub file: Upload,
}

/// Where the file is served; post a message with this `attachment_url` and `message_type`.
#[derive(Debug, Object)]
pub struct AttachmentOut {
    pub attachment_url: String,
    pub message_type: MessageTypeName,
    pub content_type: String,
    pub size: u64,
}
