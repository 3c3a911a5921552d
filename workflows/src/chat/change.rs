//! Changing a message after the fact: its author edits it; its author, the room's organizer or
//! staff delete it (softly: the row stays, lists leave it out).

use super::access::room_for;
use super::feed::{Feed, RoomEvent};
use super::message::{Message, valid_text};
use super::store;
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use sqlx::{PgConnection, PgPool};

pub async fn edit_message(pool: &PgPool, feed: &dyn Feed, actor: Actor, id: i64, text: &str) -> DomainResult<Message> {
    let text = valid_text(text)?;
    let mut tx = pool.begin().await?;
    let message = store::lock_live(&mut tx, id).await?;
    if !message.user_id.is_some_and(|author| actor.may_act_for(author)) {
        return Err(DomainError::forbidden("only the author may edit a message"));
    }
    let edited = store::set_text(&mut tx, id, &text).await?;
    tx.commit().await?;
    feed.publish(edited.procurement_id, &RoomEvent::Edited(edited.clone())).await;
    Ok(edited)
}

pub async fn delete_message(pool: &PgPool, feed: &dyn Feed, actor: Actor, id: i64) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let message = store::lock_live(&mut tx, id).await?;
    let organizer = room_for(&mut tx, message.procurement_id, Actor::System).await?.organizer_id;
    let author = message.user_id.is_some_and(|author| actor.may_act_for(author));
    if !author && !actor.may_act_for(organizer) {
        return Err(DomainError::forbidden("only the author, the organizer or staff may delete a message"));
    }
    store::mark_deleted(&mut tx, id).await?;
    tx.commit().await?;
    feed.publish(message.procurement_id, &deleted(&message, actor.user_id())).await;
    Ok(())
}

fn deleted(message: &Message, by: Option<i64>) -> RoomEvent {
    RoomEvent::Deleted { id: message.id, seq: message.seq, procurement_id: message.procurement_id, deleted_by: by }
}

/// Staff moderation on the caller's transaction: deletes a live message or restores a deleted
/// one, whoever wrote it. Returns the message before and after, and the frame the room gets
/// (`deleted`, or `edited` with the restored message) for the caller to publish after commit.
pub async fn toggle_deleted(conn: &mut PgConnection, id: i64) -> DomainResult<(Message, Message, RoomEvent)> {
    let before = store::lock(conn, id).await?;
    store::set_deleted(conn, id, !before.is_deleted).await?;
    let after = store::get(conn, id).await?;
    let event = if after.is_deleted { deleted(&after, None) } else { RoomEvent::Edited(after.clone()) };
    Ok((before, after, event))
}
