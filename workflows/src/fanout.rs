//! Fan-out with a completion step: a parent step becomes one child job per participant, and a
//! completion job runs exactly once, after the last child is done.
//!
//! The parent writes the fan-out row, its children and their jobs in one transaction. Each child
//! marks itself done in its own transaction (so a child run twice counts once) and bumps the
//! counter; the row lock on the counter makes exactly one child see `done = total`, and that one
//! queues the completion under a task id unique to the fan-out.

use crate::outbox;
use crate::queue::{FanoutKind, Job};
use sqlx::PgConnection;

/// Starts the fan-out inside the caller's transaction: the counter row, a child row and a child
/// job per participant; with no participants the completion is queued at once. Starting the same
/// fan-out again is a no-op.
pub async fn start(
    conn: &mut PgConnection,
    kind: FanoutKind,
    procurement_id: i64,
    participant_ids: &[i64],
) -> sqlx::Result<()> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO fanouts (kind, procurement_id, total) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT fanouts_once_per_procurement DO NOTHING RETURNING id",
    )
    .bind(kind.as_str())
    .bind(procurement_id)
    .bind(participant_ids.len() as i32)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(()) };
    sqlx::query("INSERT INTO fanout_children (fanout_id, participant_id) SELECT $1, unnest($2::bigint[])")
        .bind(id)
        .bind(participant_ids)
        .execute(&mut *conn)
        .await?;
    for &participant_id in participant_ids {
        outbox::enqueue(conn, &kind.child(procurement_id, participant_id), None).await?;
    }
    if participant_ids.is_empty() {
        complete(conn, kind, procurement_id, id).await?;
    }
    Ok(())
}

/// Marks one child done inside the child's own transaction (call it last, just before commit:
/// it holds the counter's row lock). The child that finishes the fan-out queues its completion.
/// A child of no fan-out (a capture re-driven by a sweep) or one already counted is a no-op.
pub async fn child_done(
    conn: &mut PgConnection,
    kind: FanoutKind,
    procurement_id: i64,
    participant_id: i64,
) -> sqlx::Result<()> {
    let finished: Option<(i64, bool)> = sqlx::query_as(
        "WITH child AS (
             UPDATE fanout_children c SET done_at = now()
             FROM fanouts f
             WHERE f.kind = $1 AND f.procurement_id = $2 AND c.fanout_id = f.id
               AND c.participant_id = $3 AND c.done_at IS NULL
             RETURNING c.fanout_id
         )
         UPDATE fanouts SET done = done + 1 FROM child WHERE fanouts.id = child.fanout_id
         RETURNING fanouts.id, fanouts.done = fanouts.total",
    )
    .bind(kind.as_str())
    .bind(procurement_id)
    .bind(participant_id)
    .fetch_optional(&mut *conn)
    .await?;
    match finished {
        Some((id, true)) => complete(conn, kind, procurement_id, id).await,
        _ => Ok(()),
    }
}

async fn complete(conn: &mut PgConnection, kind: FanoutKind, procurement_id: i64, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE fanouts SET completed_at = now() WHERE id = $1").bind(id).execute(&mut *conn).await?;
    outbox::enqueue(conn, &Job::FanoutCompleted { fanout: kind, procurement_id }, None).await
}

/// Progress of a fan-out, for the completion step and for staff.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Progress {
    pub total: i32,
    pub done: i32,
}

pub async fn progress(
    conn: &mut PgConnection,
    kind: FanoutKind,
    procurement_id: i64,
) -> sqlx::Result<Option<Progress>> {
    sqlx::query_as("SELECT total, done FROM fanouts WHERE kind = $1 AND procurement_id = $2")
        .bind(kind.as_str())
        .bind(procurement_id)
        .fetch_optional(conn)
        .await
}
