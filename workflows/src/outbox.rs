//! The transactional outbox: work that a state change needs, written in the same database
//! transaction as the change. A relay pushes unsent rows to their Redis queue under `task_id`,
//! so a crash between commit and push loses nothing and a double push collapses.

use crate::queue::Job;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Writes `job` into the outbox inside the caller's transaction, to run at `run_at` (now when
/// `None`). Writing the same job twice is a no-op: its task id is the key.
pub async fn enqueue(conn: &mut PgConnection, job: &Job, run_at: Option<DateTime<Utc>>) -> sqlx::Result<()> {
    insert(conn, job, &job.task_id(), run_at).await
}

/// Writes many jobs into the outbox in one statement, to run now; as [`enqueue`] for each.
pub async fn enqueue_all(conn: &mut PgConnection, jobs: &[Job]) -> sqlx::Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO outbox (queue, task_id, payload, run_at) SELECT q, t, p, now() FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS j(q, t, p)
         ON CONFLICT ON CONSTRAINT outbox_task_id_key DO NOTHING",
    )
    .bind(jobs.iter().map(|job| job.queue().name()).collect::<Vec<_>>())
    .bind(jobs.iter().map(Job::task_id).collect::<Vec<_>>())
    .bind(jobs.iter().map(|job| serde_json::to_value(job).expect("jobs serialize")).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues a retry of `job` under its own task id (see [`crate::jobs::retry_task_id`]: the failed
/// run's id is spent in the queue), to run at `run_at`, its back-off. A failed run handled twice
/// still queues one retry.
pub async fn enqueue_retry(
    conn: &mut PgConnection,
    job: &Job,
    task_id: &str,
    run_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    insert(conn, job, task_id, Some(run_at)).await
}

async fn insert(conn: &mut PgConnection, job: &Job, task_id: &str, run_at: Option<DateTime<Utc>>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (queue, task_id, payload, run_at) VALUES ($1, $2, $3, COALESCE($4, now()))
         ON CONFLICT ON CONSTRAINT outbox_task_id_key DO NOTHING",
    )
    .bind(job.queue().name())
    .bind(task_id)
    .bind(serde_json::to_value(job).expect("jobs serialize"))
    .bind(run_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// An outbox row waiting for the relay.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub queue: String,
    pub task_id: String,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
}

impl OutboxRow {
    pub fn job(&self) -> Result<Job, serde_json::Error> {
        serde_json::from_value(self.payload.clone())
    }
}

/// Claims up to `limit` unsent rows due by `due_by` (all when `None`), oldest first, skipping
/// rows another relay holds. The caller marks them sent in the same transaction once pushed.
pub async fn claim(conn: &mut PgConnection, limit: i64, due_by: Option<DateTime<Utc>>) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "SELECT id, queue, task_id, payload, run_at FROM outbox
         WHERE sent_at IS NULL AND error IS NULL AND ($2::timestamptz IS NULL OR run_at <= $2)
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
    )
    .bind(limit)
    .bind(due_by)
    .fetch_all(conn)
    .await
}

/// Sets a row aside with the reason it cannot be relayed; staff see it in the table.
pub async fn set_aside(conn: &mut PgConnection, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET error = $2 WHERE id = $1").bind(id).bind(error).execute(conn).await?;
    Ok(())
}

pub async fn mark_sent(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET sent_at = now() WHERE id = ANY($1)").bind(ids).execute(conn).await?;
    Ok(())
}

/// Marks the rows of these tasks finished: a worker ran each to an end (done, dead-lettered, or
/// retried under a task id of its own). Tasks without a row (staff re-queues) are passed over.
pub async fn mark_finished(conn: &mut PgConnection, task_ids: &[String]) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET finished_at = now() WHERE task_id = ANY($1) AND finished_at IS NULL")
        .bind(task_ids)
        .execute(conn)
        .await?;
    Ok(())
}

/// A row pushed to Redis whose job has not finished.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unfinished {
    pub id: i64,
    pub queue: String,
    pub task_id: String,
}

/// Up to `limit` rows pushed and not finished, after `after_id` in id order, that were due by
/// `due_by`: a job due later waits in Redis's schedule, and is looked at once it is due.
pub async fn unfinished(
    conn: &mut PgConnection,
    after_id: i64,
    due_by: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Unfinished>> {
    sqlx::query_as(
        "SELECT id, queue, task_id FROM outbox
         WHERE sent_at IS NOT NULL AND finished_at IS NULL AND id > $1 AND run_at <= $2
         ORDER BY id LIMIT $3",
    )
    .bind(after_id)
    .bind(due_by)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Makes these pushed rows unsent again, so the relay pushes them on its next round; rows that
/// finished meanwhile stay as they are.
pub async fn resend(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<u64> {
    let done = sqlx::query("UPDATE outbox SET sent_at = NULL WHERE id = ANY($1) AND finished_at IS NULL")
        .bind(ids)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Rows not yet pushed, oldest first.
pub async fn pending_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND error IS NULL").fetch_one(conn).await
}

/// Rows not pushed yet, set-aside ones included (`/metrics`: what is stuck shows).
pub async fn unsent_count(pool: &sqlx::PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetch_one(pool).await
}
