//! `chat_messages`, `chat_rooms` and `message_reads` in PostgreSQL: the only module that writes
//! them.

use super::message::{Message, MessageType};
use crate::error::{DomainError, DomainResult};
use crate::page::{Page, PageRequest, fetch_counted};
use sqlx::{PgConnection, QueryBuilder};

const SELECT: &str = "SELECT m.id, m.seq, m.procurement_id, m.user_id,
        COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.username, '') AS user_name,
        m.message_type, m.text, m.attachment_url, m.is_edited, m.is_deleted, m.created_at, m.updated_at
    FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id";

/// Takes the room's next sequence number and stores the message under it. The counter row
/// stays locked until the caller commits, so sequence numbers commit in order.
pub async fn insert(
    conn: &mut PgConnection,
    procurement_id: i64,
    user_id: Option<i64>,
    kind: MessageType,
    text: &str,
    attachment_url: &str,
) -> DomainResult<Message> {
    let id: i64 = sqlx::query_scalar(
        "WITH room AS (
            INSERT INTO chat_rooms (procurement_id, last_seq) VALUES ($1, 1)
            ON CONFLICT (procurement_id) DO UPDATE SET last_seq = chat_rooms.last_seq + 1
            RETURNING last_seq)
         INSERT INTO chat_messages (procurement_id, user_id, message_type, text, attachment_url, seq)
         SELECT $1, $2, $3, $4, $5, last_seq FROM room RETURNING id",
    )
    .bind(procurement_id)
    .bind(user_id)
    .bind(crate::StateName::as_str(kind))
    .bind(text)
    .bind(attachment_url)
    .fetch_one(&mut *conn)
    .await?;
    get(conn, id).await
}

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<Message> {
    sqlx::query_as(crate::sql!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("message", id))
}

/// A message that is not deleted, locked for the caller's transaction.
pub async fn lock_live(conn: &mut PgConnection, id: i64) -> DomainResult<Message> {
    let found: Option<bool> = sqlx::query_scalar("SELECT is_deleted FROM chat_messages WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some(false) => get(conn, id).await,
        _ => Err(DomainError::not_found("message", id)),
    }
}

/// A message, deleted or not, locked for the caller's transaction.
pub async fn lock(conn: &mut PgConnection, id: i64) -> DomainResult<Message> {
    sqlx::query("SELECT id FROM chat_messages WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DomainError::not_found("message", id))?;
    get(conn, id).await
}

pub async fn set_text(conn: &mut PgConnection, id: i64, text: &str) -> DomainResult<Message> {
    sqlx::query("UPDATE chat_messages SET text = $2, is_edited = TRUE, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(text)
        .execute(&mut *conn)
        .await?;
    get(conn, id).await
}

pub async fn mark_deleted(conn: &mut PgConnection, id: i64) -> DomainResult<()> {
    set_deleted(conn, id, true).await
}

/// Deletes (softly) or restores a message.
pub async fn set_deleted(conn: &mut PgConnection, id: i64, deleted: bool) -> DomainResult<()> {
    sqlx::query("UPDATE chat_messages SET is_deleted = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(deleted)
        .execute(conn)
        .await?;
    Ok(())
}

/// The room's messages that are not deleted, oldest first.
pub async fn page(conn: &mut PgConnection, procurement_id: i64, page: PageRequest) -> DomainResult<Page<Message>> {
    // The window count is taken before LIMIT, so it counts every row of the room.
    let mut counted =
        QueryBuilder::new(format!("SELECT *, count(*) OVER () AS total FROM ({SELECT} WHERE m.procurement_id = "));
    counted.push_bind(procurement_id);
    counted.push(" AND NOT m.is_deleted) rows ORDER BY seq LIMIT ");
    counted.push_bind(page.limit());
    counted.push(" OFFSET ");
    counted.push_bind(page.offset());
    Ok(fetch_counted(counted, conn, page).await?)
}

/// Messages after `after_seq` that are not deleted, oldest first, at most `limit`.
pub async fn after(
    conn: &mut PgConnection,
    procurement_id: i64,
    after_seq: i64,
    limit: i64,
) -> DomainResult<Vec<Message>> {
    Ok(sqlx::query_as(crate::sql!(
        "{SELECT} WHERE m.procurement_id = $1 AND m.seq > $2 AND NOT m.is_deleted ORDER BY m.seq LIMIT $3"
    ))
    .bind(procurement_id)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The last `limit` messages that are not deleted, oldest first.
pub async fn recent(conn: &mut PgConnection, procurement_id: i64, limit: i64) -> DomainResult<Vec<Message>> {
    let mut newest: Vec<Message> = sqlx::query_as(crate::sql!(
        "{SELECT} WHERE m.procurement_id = $1 AND NOT m.is_deleted ORDER BY m.seq DESC LIMIT $2"
    ))
    .bind(procurement_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    newest.reverse();
    Ok(newest)
}

/// The room's last sequence number (0 before its first message).
pub async fn last_seq(conn: &mut PgConnection, procurement_id: i64) -> DomainResult<i64> {
    Ok(sqlx::query_scalar("SELECT last_seq FROM chat_rooms WHERE procurement_id = $1")
        .bind(procurement_id)
        .fetch_optional(conn)
        .await?
        .unwrap_or(0))
}
