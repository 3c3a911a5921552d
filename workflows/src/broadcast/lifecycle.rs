//! Writing, starting and cancelling broadcasts.

use super::store::{Broadcast, ensure_may_steer, fetch, is_staff};
use super::{BroadcastStatus, MAX_TARGETS, MAX_TEXT_CHARS, Target};
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use crate::queue::Job;
use crate::transition::StateMachine;
use crate::users::{self, Role};
use sqlx::{PgConnection, PgPool};

/// A broadcast to write.
#[derive(Debug, Clone)]
pub struct NewBroadcast {
    /// The person it is from: the calling user (who may name only themselves); a service client
    /// may name one or none.
    pub author_id: Option<i64>,
    pub text: String,
    pub targets: Vec<Target>,
}

/// Outbox rows written per statement when a broadcast starts.
const JOB_BATCH: usize = 1000;

/// Writes a broadcast as a draft (organizers and staff; "all users" targets staff only) and, with
/// `start`, starts it in the same transaction.
pub async fn create(pool: &PgPool, actor: Actor, new: NewBroadcast, start: bool) -> DomainResult<Broadcast> {
    let text = new.text.trim().to_string();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Err(DomainError::invalid("text", format!("1 to {MAX_TEXT_CHARS} characters")));
    }
    if new.targets.is_empty() || new.targets.len() > MAX_TARGETS {
        return Err(DomainError::invalid("targets", format!("1 to {MAX_TARGETS} targets")));
    }
    let targets = new.targets.into_iter().map(Target::validated).collect::<DomainResult<Vec<_>>>()?;
    let mut tx = pool.begin().await?;
    let author_id = author(&mut tx, actor, new.author_id).await?;
    let mut all_users: Vec<&str> = Vec::new();
    let (mut platforms, mut chats) = (Vec::new(), Vec::new());
    for target in &targets {
        match target {
            Target::AllUsers(platform) if !all_users.contains(&platform.as_str()) => all_users.push(platform.as_str()),
            Target::AllUsers(_) => {}
            Target::Chat { platform, chat_id } => {
                platforms.push(platform.as_str());
                chats.push(chat_id.as_str());
            }
        }
    }
    if !all_users.is_empty() && !is_staff(&mut tx, actor).await? {
        return Err(DomainError::forbidden("only staff may broadcast to all users of a platform"));
    }
    let id: i64 =
        sqlx::query_scalar("INSERT INTO broadcasts (author_id, text, all_users) VALUES ($1, $2, $3) RETURNING id")
            .bind(author_id)
            .bind(&text)
            .bind(&all_users)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO broadcast_targets (broadcast_id, platform, chat_id)
         SELECT $1, p, c FROM unnest($2::text[], $3::text[]) AS x(p, c)
         ON CONFLICT ON CONSTRAINT broadcast_targets_once DO NOTHING",
    )
    .bind(id)
    .bind(&platforms)
    .bind(&chats)
    .execute(&mut *tx)
    .await?;
    if start {
        queue(&mut tx, id).await?;
    }
    let broadcast = fetch(&mut tx, id).await?;
    tx.commit().await?;
    Ok(broadcast)
}

/// Who the broadcast is from, refusing (403) those who may not broadcast: only organizers and
/// staff may.
async fn author(conn: &mut PgConnection, actor: Actor, named: Option<i64>) -> DomainResult<Option<i64>> {
    let author_id = match (actor, named) {
        (Actor::User(me), Some(other)) if other != me => {
            return Err(DomainError::forbidden(format!("you may broadcast only as yourself, not as user {other}")));
        }
        (Actor::User(me), _) => Some(me),
        (Actor::System, named) => named,
    };
    let Some(author_id) = author_id else { return Ok(None) };
    let user = users::require_active(conn, author_id).await?;
    if actor != Actor::System && user.role != Role::Organizer && !user.is_staff {
        return Err(DomainError::forbidden("only organizers and staff may broadcast"));
    }
    Ok(Some(author_id))
}

/// Starts a draft: its targets are fixed and a delivery job per target queued.
pub async fn start(pool: &PgPool, actor: Actor, id: i64) -> DomainResult<Broadcast> {
    let mut tx = pool.begin().await?;
    let b = locked(&mut tx, actor, id).await?;
    b.status.transition_to(BroadcastStatus::Queued)?;
    queue(&mut tx, id).await?;
    let broadcast = fetch(&mut tx, id).await?;
    tx.commit().await?;
    Ok(broadcast)
}

/// Calls a broadcast off: what was sent stays sent, the rest is never sent.
pub async fn cancel(pool: &PgPool, actor: Actor, id: i64) -> DomainResult<Broadcast> {
    let mut tx = pool.begin().await?;
    let b = locked(&mut tx, actor, id).await?;
    b.status.transition_to(BroadcastStatus::Cancelled)?;
    sqlx::query("UPDATE broadcasts SET status = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let broadcast = fetch(&mut tx, id).await?;
    tx.commit().await?;
    Ok(broadcast)
}

/// The broadcast, locked against concurrent changes for the rest of the transaction, if the
/// actor may steer it.
async fn locked(conn: &mut PgConnection, actor: Actor, id: i64) -> DomainResult<Broadcast> {
    sqlx::query("SELECT 1 FROM broadcasts WHERE id = $1 FOR UPDATE").bind(id).execute(&mut *conn).await?;
    let b = fetch(conn, id).await?;
    ensure_may_steer(conn, actor, &b).await?;
    Ok(b)
}

/// DRAFT → QUEUED inside the caller's transaction: expands "all users" into targets, then
/// writes one job per target, a batch of rows per outbox statement.
async fn queue(conn: &mut PgConnection, id: i64) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO broadcast_targets (broadcast_id, platform, chat_id)
         SELECT b.id, i.platform, i.platform_user_id
         FROM broadcasts b JOIN user_identities i ON i.platform = ANY(b.all_users)
         JOIN users u ON u.id = i.user_id
         WHERE b.id = $1 AND u.is_active AND u.messenger_notifications
         ON CONFLICT ON CONSTRAINT broadcast_targets_once DO NOTHING",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let targets: Vec<i64> = sqlx::query_scalar("SELECT id FROM broadcast_targets WHERE broadcast_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    if targets.is_empty() {
        let platforms: Vec<String> = sqlx::query_scalar("SELECT unnest(all_users) FROM broadcasts WHERE id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        return Err(DomainError::conflict(
            "no_targets",
            format!("nobody to send to: no active person has linked {}", platforms.join(" or ")),
        ));
    }
    for batch in targets.chunks(JOB_BATCH) {
        let jobs: Vec<Job> = batch.iter().map(|&target_id| Job::BroadcastTarget { target_id }).collect();
        crate::outbox::enqueue_all(conn, &jobs).await?;
    }
    sqlx::query("UPDATE broadcasts SET status = 'queued', started_at = now(), updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
