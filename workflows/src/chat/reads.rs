//! Read marks and unread counts. A mark only moves forward (a late or repeated mark_read never
//! makes read messages unread again); counts cover other people's messages that are not
//! deleted, after the mark.

use super::access::room_for;
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use sqlx::PgPool;

/// Marks the room read up to `message_id`, or up to its latest message.
pub async fn mark_read(
    pool: &PgPool,
    actor: Actor,
    user_id: i64,
    procurement_id: i64,
    message_id: Option<i64>,
) -> DomainResult<()> {
    if !actor.may_act_for(user_id) {
        return Err(DomainError::forbidden(format!("you may mark only your own reads, not user {user_id}'s")));
    }
    let mut tx = pool.begin().await?;
    room_for(&mut tx, procurement_id, Actor::User(user_id)).await?;
    let target: Option<(i64, i64)> = match message_id {
        Some(id) => Some(
            sqlx::query_as("SELECT id, seq FROM chat_messages WHERE id = $1 AND procurement_id = $2")
                .bind(id)
                .bind(procurement_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| DomainError::not_found("message", id))?,
        ),
        None => {
            sqlx::query_as("SELECT id, seq FROM chat_messages WHERE procurement_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(procurement_id)
                .fetch_optional(&mut *tx)
                .await?
        }
    };
    let Some((message_id, seq)) = target else {
        return Ok(()); // an empty room: nothing to read
    };
    sqlx::query(
        "INSERT INTO message_reads (user_id, procurement_id, last_read_message_id, last_read_at)
         VALUES ($1, $2, $3, now())
         ON CONFLICT (user_id, procurement_id) DO UPDATE
         SET last_read_message_id = EXCLUDED.last_read_message_id, last_read_at = now()
         WHERE COALESCE((SELECT seq FROM chat_messages WHERE id = message_reads.last_read_message_id), 0) < $4",
    )
    .bind(user_id)
    .bind(procurement_id)
    .bind(message_id)
    .bind(seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomUnread {
    pub procurement_id: i64,
    pub unread_count: i64,
}

/// A person's unread messages in one room.
pub async fn unread_count(pool: &PgPool, actor: Actor, user_id: i64, procurement_id: i64) -> DomainResult<RoomUnread> {
    if !actor.may_act_for(user_id) {
        return Err(DomainError::forbidden(format!("you may see only your own unread counts, not user {user_id}'s")));
    }
    let mut conn = pool.acquire().await?;
    room_for(&mut conn, procurement_id, Actor::User(user_id)).await?;
    let rooms = counts(pool, user_id, Some(procurement_id)).await?;
    Ok(rooms.into_iter().next().unwrap_or(RoomUnread { procurement_id, unread_count: 0 }))
}

/// A person's unread messages in every room they belong to (rooms with none left out).
pub async fn unread_counts(pool: &PgPool, actor: Actor, user_id: i64) -> DomainResult<Vec<RoomUnread>> {
    if !actor.may_act_for(user_id) {
        return Err(DomainError::forbidden(format!("you may see only your own unread counts, not user {user_id}'s")));
    }
    counts(pool, user_id, None).await
}

async fn counts(pool: &PgPool, user_id: i64, only: Option<i64>) -> DomainResult<Vec<RoomUnread>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "WITH rooms AS (
            SELECT id AS procurement_id FROM procurements WHERE organizer_id = $1
            UNION SELECT procurement_id FROM participants WHERE user_id = $1 AND status <> 'cancelled')
         SELECT m.procurement_id, count(*)
         FROM rooms
         JOIN chat_messages m ON m.procurement_id = rooms.procurement_id
         LEFT JOIN message_reads r ON r.user_id = $1 AND r.procurement_id = m.procurement_id
         LEFT JOIN chat_messages last_read ON last_read.id = r.last_read_message_id
         WHERE ($2::bigint IS NULL OR m.procurement_id = $2)
           AND NOT m.is_deleted AND m.user_id IS DISTINCT FROM $1 AND m.seq > COALESCE(last_read.seq, 0)
         GROUP BY m.procurement_id ORDER BY m.procurement_id",
    )
    .bind(user_id)
    .bind(only)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(procurement_id, unread_count)| RoomUnread { procurement_id, unread_count }).collect())
}
