//! The transactional outbox: work that a state change needs, written in the same database
//! transaction as the change. A relay pushes unsent rows to their Redis queue under `task_id`,
//! so a crash between commit and push loses nothing and a double push collapses.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A unit of work to hand to a queue.
pub struct OutboxTask {
    pub queue: &'static str,
    /// Deterministic: `{kind}:{entity id}:{version}`. Writing the same task twice is a no-op.
    pub task_id: String,
    pub payload: serde_json::Value,
    pub run_at: Option<DateTime<Utc>>,
}

pub async fn enqueue(conn: &mut PgConnection, task: OutboxTask) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (queue, task_id, payload, run_at) VALUES ($1, $2, $3, COALESCE($4, now()))
         ON CONFLICT ON CONSTRAINT outbox_task_id_key DO NOTHING",
    )
    .bind(task.queue)
    .bind(&task.task_id)
    .bind(&task.payload)
    .bind(task.run_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows not yet pushed, oldest first.
pub async fn pending_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetch_one(conn).await
}
