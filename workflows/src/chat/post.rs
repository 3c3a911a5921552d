//! Writing to a room: a message (stored, then fanned out), typing and presence (fanned out
//! only; nothing to keep).

use super::access::room_for;
use super::feed::{Feed, RoomEvent};
use super::message::{Message, MessageType, valid_text};
use super::store;
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use sqlx::PgPool;

pub struct NewMessage {
    pub procurement_id: i64,
    /// The author; a user token may name only itself.
    pub user_id: i64,
    pub text: String,
    pub message_type: MessageType,
    pub attachment_url: String,
}

/// Stores a message under the room's next sequence number and fans it out to the room (its
/// author's sockets included, so every client learns the stored id and `seq` the same way).
pub async fn post_message(pool: &PgPool, feed: &dyn Feed, actor: Actor, new: NewMessage) -> DomainResult<Message> {
    if !actor.may_act_for(new.user_id) {
        return Err(DomainError::forbidden(format!("you may post only as yourself, not as user {}", new.user_id)));
    }
    if new.message_type == MessageType::System && actor != Actor::System {
        return Err(DomainError::forbidden("system messages are written by the platform and staff only"));
    }
    let text = valid_text(&new.text)?;
    if new.attachment_url.chars().count() > 500 {
        return Err(DomainError::invalid("attachment_url", "at most 500 characters"));
    }
    let present = feed.present(new.procurement_id).await;
    let mut tx = pool.begin().await?;
    // The author must belong in the room whoever posts for them.
    room_for(&mut tx, new.procurement_id, Actor::User(new.user_id)).await?;
    let message =
        store::insert(&mut tx, new.procurement_id, Some(new.user_id), new.message_type, &text, &new.attachment_url)
            .await?;
    super::alerts::notify_absent(&mut tx, new.procurement_id, new.user_id, &present, message.created_at).await?;
    tx.commit().await?;
    feed.publish(message.procurement_id, &RoomEvent::Message(message.clone())).await;
    Ok(message)
}

/// Tells the others in the room that `user_id` started or stopped typing.
pub async fn typing(feed: &dyn Feed, procurement_id: i64, user_id: i64, is_typing: bool) {
    let event = RoomEvent::Typing { procurement_id, user_id, is_typing };
    feed.publish(procurement_id, &event).await;
}

/// Tells the room that its procurement moved to `status` (a job's follow-up of the change).
pub async fn status_changed(feed: &dyn Feed, procurement_id: i64, status: &str) {
    let event = RoomEvent::System {
        procurement_id,
        event: "status_changed".to_string(),
        text: format!("The procurement is now {status}"),
        user_id: None,
        timestamp: chrono::Utc::now().to_rfc3339(),
    };
    feed.publish(procurement_id, &event).await;
}

/// Past this many people with the room open, joining and leaving are not announced: every
/// arrival would send a frame to everyone (n² frames while a big room connects).
pub const ANNOUNCE_UP_TO: usize = 100;

/// Tells the others that `user_id` joined (`joined: true`) or left the room's chat.
pub async fn announce(feed: &dyn Feed, procurement_id: i64, user_id: i64, joined: bool) {
    if feed.present(procurement_id).await.len() > ANNOUNCE_UP_TO {
        return;
    }
    let (event, verb) = if joined { ("joined", "joined") } else { ("left", "left") };
    let event = RoomEvent::System {
        procurement_id,
        event: event.to_string(),
        text: format!("User {user_id} {verb} the chat"),
        user_id: Some(user_id),
        timestamp: chrono::Utc::now().to_rfc3339(),
    };
    feed.publish(procurement_id, &event).await;
}
