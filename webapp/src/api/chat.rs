//! A procurement's chat over REST (`/api/chat/…`): edits, deletions, read marks, uploads and
//! the per-room unread counts; the rooms a person belongs to. Live messages come over the
//! room's socket (`crate::live::room`).

use super::ApiError;
use serde::{Deserialize, Serialize};

/// A message as both the REST list and the room socket send it (the socket names the author
/// `user_id` and the room `procurement_id`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Message {
    pub id: i64,
    pub seq: i64,
    #[serde(alias = "procurement_id")]
    pub procurement: i64,
    #[serde(alias = "user_id")]
    pub user: Option<i64>,
    pub user_name: String,
    /// `text`, `image`, `file` or `system`.
    pub message_type: String,
    pub text: String,
    pub attachment_url: String,
    pub is_edited: bool,
    pub is_deleted: bool,
    pub created_at: String,
}

impl Message {
    pub fn is_image(&self) -> bool {
        self.message_type == "image" && !self.attachment_url.is_empty()
    }
}

/// A room the person is in: one they organize or take part in.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Room {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub organizer_name: String,
    pub participant_count: i32,
}

/// `/api/procurements/user/{id}/`: a participation is the procurement with the person's
/// amount and quantity alongside, which a room does not need.
#[derive(Deserialize)]
struct UserProcurements {
    organized: Vec<Room>,
    participating: Vec<Room>,
}

/// The person's rooms: those they organize first, then those they take part in, each once.
pub async fn rooms(user_id: i64) -> Result<Vec<Room>, ApiError> {
    let mine: UserProcurements = super::get(&format!("procurements/user/{user_id}/"), &[]).await?;
    let mut rooms = mine.organized;
    for room in mine.participating {
        if !rooms.iter().any(|r| r.id == room.id) {
            rooms.push(room);
        }
    }
    Ok(rooms)
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct RoomUnread {
    pub procurement_id: i64,
    pub unread_count: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Unread {
    pub unread_count: i64,
    /// Only the rooms with unread messages.
    pub chats: Vec<RoomUnread>,
}

impl Unread {
    pub fn of(&self, procurement_id: i64) -> i64 {
        self.chats.iter().find(|c| c.procurement_id == procurement_id).map_or(0, |c| c.unread_count)
    }
}

/// Other people's unread messages in all of the person's rooms.
pub async fn unread() -> Result<Unread, ApiError> {
    super::get("chat/messages/unread_count/", &[]).await
}

#[derive(Serialize)]
struct Edit<'a> {
    text: &'a str,
}

pub async fn edit(message_id: i64, text: &str) -> Result<Message, ApiError> {
    super::patch(&format!("chat/messages/{message_id}/"), &Edit { text }).await
}

pub async fn delete(message_id: i64) -> Result<(), ApiError> {
    super::delete(&format!("chat/messages/{message_id}/")).await
}

#[derive(Serialize)]
struct MarkRead {
    procurement_id: i64,
    message_id: Option<i64>,
}

/// Marks the room read up to `message_id` (marks only move forward on the server).
pub async fn mark_read(procurement_id: i64, message_id: Option<i64>) -> Result<(), ApiError> {
    let _: serde_json::Value =
        super::post("chat/messages/mark_read/", &MarkRead { procurement_id, message_id }).await?;
    Ok(())
}

#[derive(Serialize)]
struct NewMessage<'a> {
    procurement_id: i64,
    text: &'a str,
    message_type: &'a str,
    attachment_url: &'a str,
}

/// Posts an uploaded file as a message (the socket carries text only).
pub async fn post_attachment(procurement_id: i64, uploaded: &Uploaded, caption: &str) -> Result<Message, ApiError> {
    let body = NewMessage {
        procurement_id,
        text: caption,
        message_type: &uploaded.message_type,
        attachment_url: &uploaded.attachment_url,
    };
    super::post("chat/messages/", &body).await
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Uploaded {
    pub attachment_url: String,
    pub message_type: String,
}

/// Uploads a picture or PDF for the room; the server recognises the type by its content.
pub async fn upload(procurement_id: i64, file: &web_sys::File) -> Result<Uploaded, ApiError> {
    let form = move || {
        let form = web_sys::FormData::new().map_err(|_| super::unsendable("the file cannot be sent"))?;
        form.append_with_str("procurement_id", &procurement_id.to_string())
            .and_then(|()| form.append_with_blob_and_filename("file", file, &file.name()))
            .map_err(|_| super::unsendable("the file cannot be sent"))?;
        Ok(form)
    };
    super::post_form("chat/upload/", form).await
}

#[derive(Serialize)]
struct NewText<'a> {
    procurement_id: i64,
    text: &'a str,
}

/// Posts a text message over REST, for when the room's socket is down: it still reaches every
/// socket of the room.
pub async fn post_text(procurement_id: i64, text: &str) -> Result<Message, ApiError> {
    super::post("chat/messages/", &NewText { procurement_id, text }).await
}

/// The procurement a room belongs to (its title for the page's heading).
pub async fn room(procurement_id: i64) -> Result<Room, ApiError> {
    super::get(&format!("procurements/{procurement_id}/"), &[]).await
}
