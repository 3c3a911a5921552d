//! A chat message as stored and as sent to clients (the original product's fields plus `seq`).

use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    /// Increasing within the room: what a reconnecting client names in `since`.
    pub seq: i64,
    pub procurement_id: i64,
    /// `None` for system messages and for authors whose account was deleted.
    pub user_id: Option<i64>,
    pub user_name: String,
    pub message_type: String,
    pub text: String,
    pub attachment_url: String,
    pub is_edited: bool,
    pub is_deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Text,
    Image,
    File,
    /// Written by the platform or staff, never by a user token.
    System,
}

crate::transition::named_enum!(MessageType, "message_type" {
    Text => "text",
    Image => "image",
    File => "file",
    System => "system",
});

/// The text a person typed, trimmed of surrounding blanks; blank or too long is refused.
pub fn valid_text(text: &str) -> DomainResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid("text", "must not be blank"));
    }
    if text.chars().count() > super::MAX_TEXT_CHARS {
        return Err(DomainError::invalid("text", format!("at most {} characters", super::MAX_TEXT_CHARS)));
    }
    Ok(text.to_string())
}
