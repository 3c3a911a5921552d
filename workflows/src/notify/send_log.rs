//! The record kept of sends to single chats (`messenger_deliveries`, `broadcast_targets`): each
//! row goes `pending` → `sending` → `sent` | `failed`, written before and after the messenger is
//! asked, so no row is ever sent twice.

use crate::messenger::{SendError, Sent};
use crate::outbox;
use crate::queue::{Job, JobError};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;

/// How long a send may be under way (the limiter's wait included) before a row left `sending`
/// is taken for the work of a process that died mid-send.
const STALE_SENDING: Duration = Duration::from_secs(120);

/// What a run may do with its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    /// The row is ours to send (its attempt number).
    Send { attempts: i32 },
    /// Sent, failed, not live, or another run is sending: nothing to send now.
    Done,
}

/// A table of sends to single chats (`messenger_deliveries`, `broadcast_targets`), each row
/// `pending` → `sending` → `sent` | `failed`.
///
/// A run marks its row `sending` before it asks the messenger and records the answer after, so a
/// job delivered twice, or a run taken over from a dead worker, never sends a row that is sent
/// or being sent. The one gap: a process that dies after the messenger accepted a message and
/// before our record leaves the row `sending` with the message delivered. Nobody can tell then
/// whether it went, and we choose at most once: after [`STALE_SENDING`] such a row is recorded
/// `failed` ("interrupted") and never sent again.
pub(crate) struct SendLog {
    pub table: &'static str,
    /// An SQL condition on the row (`t`) that must hold to send it (a broadcast still running).
    pub live: &'static str,
}

impl SendLog {
    /// Records the row failed without sending, unless a run already took it or it is not live.
    pub async fn give_up(&self, pool: &PgPool, id: i64, reason: &str) -> sqlx::Result<()> {
        sqlx::query(crate::sql!(
            "UPDATE {table} t SET status = 'failed', error = $2, updated_at = now()
             WHERE id = $1 AND status = 'pending' AND ({live})",
            table = self.table,
            live = self.live
        ))
        .bind(id)
        .bind(reason)
        .execute(pool)
        .await?;
        Ok(())
    }

    /// Takes the row for sending (the record before the send), committed before the message
    /// leaves. A row found `sending` belongs to another run: if that run has had time to finish
    /// it died, and the row is recorded interrupted; otherwise this job looks again when it would
    /// be stale.
    pub async fn claim(&self, pool: &PgPool, id: i64, job: &Job) -> Result<Claim, JobError> {
        let attempts: Option<i32> = sqlx::query_scalar(crate::sql!(
            "UPDATE {table} t SET status = 'sending', attempts = attempts + 1, error = NULL, updated_at = now()
             WHERE id = $1 AND status = 'pending' AND ({live}) RETURNING attempts",
            table = self.table,
            live = self.live
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?;
        if let Some(attempts) = attempts {
            return Ok(Claim::Send { attempts });
        }
        let sending: Option<DateTime<Utc>> = sqlx::query_scalar(crate::sql!(
            "SELECT updated_at FROM {} WHERE id = $1 AND status = 'sending'",
            self.table
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?;
        let Some(since) = sending else { return Ok(Claim::Done) };
        let stale_at = since + STALE_SENDING;
        if Utc::now() < stale_at {
            let mut tx = pool.begin().await?;
            let task_id = format!("{}~s{}", job.task_id(), since.timestamp_millis());
            outbox::enqueue_retry(&mut tx, job, &task_id, stale_at + Duration::from_secs(1)).await?;
            tx.commit().await?;
            return Ok(Claim::Done);
        }
        sqlx::query(crate::sql!(
            "UPDATE {} SET status = 'failed', updated_at = now(),
                 error = 'interrupted while sending: whether it arrived is unknown, so it is not sent again'
             WHERE id = $1 AND status = 'sending' AND updated_at = $2",
            self.table
        ))
        .bind(id)
        .bind(since)
        .execute(pool)
        .await?;
        Ok(Claim::Done)
    }

    /// Records the messenger's answer (the record after the send). A refusal is final; a request
    /// to wait puts the row back and queues this job again after the wait, which is not counted
    /// as a failed attempt; an unreachable messenger puts the row back and fails the run, so the
    /// worker retries it with back-off.
    pub async fn record(
        &self,
        pool: &PgPool,
        id: i64,
        job: &Job,
        attempts: i32,
        result: Result<Sent, SendError>,
    ) -> Result<(), JobError> {
        match result {
            Ok(sent) => {
                // Even over an "interrupted" mark: the messenger's word is the truth.
                sqlx::query(crate::sql!(
                    "UPDATE {} SET status = 'sent', message_id = $2, error = NULL, updated_at = now()
                     WHERE id = $1 AND status <> 'sent'",
                    self.table
                ))
                .bind(id)
                .bind(&sent.message_id)
                .execute(pool)
                .await?;
                Ok(())
            }
            Err(SendError::Refused(reason)) => {
                self.settle(&mut *pool.acquire().await?, id, "failed", &reason).await?;
                Ok(())
            }
            Err(SendError::RetryAfter(wait)) => {
                let mut tx = pool.begin().await?;
                self.settle(&mut tx, id, "pending", &format!("rate limited: retry after {wait:?}")).await?;
                let task_id = format!("{}~w{attempts}", job.task_id());
                outbox::enqueue_retry(&mut tx, job, &task_id, Utc::now() + wait).await?;
                tx.commit().await?;
                Ok(())
            }
            Err(SendError::Unavailable(reason)) => {
                self.settle(&mut *pool.acquire().await?, id, "pending", &reason).await?;
                Err(JobError::Retry(format!("messenger unavailable: {reason}")))
            }
        }
    }

    async fn settle(&self, conn: &mut PgConnection, id: i64, status: &str, error: &str) -> sqlx::Result<()> {
        sqlx::query(crate::sql!(
            "UPDATE {} SET status = $2, error = $3, updated_at = now() WHERE id = $1 AND status = 'sending'",
            self.table
        ))
        .bind(id)
        .bind(status)
        .bind(error)
        .execute(conn)
        .await?;
        Ok(())
    }
}
