//! Broadcasts as their authors read them: each with its targets counted by delivery status.

use super::BroadcastStatus;
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use crate::page::{Page, PageRequest, fetch_counted};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, QueryBuilder};

/// A broadcast and how far its delivery got.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Broadcast {
    pub id: i64,
    pub author_id: Option<i64>,
    pub text: String,
    pub status: BroadcastStatus,
    /// Platforms whose every active person is a target.
    pub all_users: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Targets (before it starts, the chats named; "all users" count once expanded).
    pub targets: i64,
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

const SELECT: &str = "SELECT b.id, b.author_id, b.text, b.status, b.all_users, b.created_at, b.updated_at,
        b.started_at, b.finished_at, c.targets, c.pending, c.sending, c.sent, c.failed
    FROM broadcasts b CROSS JOIN LATERAL (
        SELECT count(*) AS targets,
               count(*) FILTER (WHERE t.status = 'pending') AS pending,
               count(*) FILTER (WHERE t.status = 'sending') AS sending,
               count(*) FILTER (WHERE t.status = 'sent') AS sent,
               count(*) FILTER (WHERE t.status = 'failed') AS failed
        FROM broadcast_targets t WHERE t.broadcast_id = b.id) c";

pub(super) async fn fetch(conn: &mut PgConnection, id: i64) -> DomainResult<Broadcast> {
    sqlx::query_as(crate::sql!("{SELECT} WHERE b.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("broadcast", id))
}

/// Whether the actor is staff: a service client, or a user marked staff.
pub(super) async fn is_staff(conn: &mut PgConnection, actor: Actor) -> DomainResult<bool> {
    let Actor::User(id) = actor else { return Ok(true) };
    Ok(sqlx::query_scalar("SELECT is_staff FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .unwrap_or(false))
}

/// Refuses (403) an actor who is neither the broadcast's author nor staff.
pub(super) async fn ensure_may_steer(conn: &mut PgConnection, actor: Actor, b: &Broadcast) -> DomainResult<()> {
    if b.author_id.is_some_and(|author| actor.may_act_for(author)) || is_staff(conn, actor).await? {
        return Ok(());
    }
    Err(DomainError::forbidden(format!("broadcast {} is not yours", b.id)))
}

/// One broadcast with its counts (its author or staff).
pub async fn get(pool: &PgPool, actor: Actor, id: i64) -> DomainResult<Broadcast> {
    let mut conn = pool.acquire().await?;
    let b = fetch(&mut conn, id).await?;
    ensure_may_steer(&mut conn, actor, &b).await?;
    Ok(b)
}

/// The history, newest first: staff see every broadcast, others their own.
pub async fn list(pool: &PgPool, actor: Actor, page: PageRequest) -> DomainResult<Page<Broadcast>> {
    let mut conn = pool.acquire().await?;
    let mut query = QueryBuilder::new(format!("SELECT *, count(*) OVER () AS total FROM ({SELECT} WHERE TRUE"));
    if !is_staff(&mut conn, actor).await? {
        query.push(" AND b.author_id = ").push_bind(actor.user_id());
    }
    query.push(") rows ORDER BY id DESC LIMIT ").push_bind(page.limit());
    query.push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_counted(query, &mut conn, page).await?)
}
