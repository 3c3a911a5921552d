//! The outbox rows of jobs this process ran to an end (done, dead-lettered, or handed on to a
//! retry row of their own), marked finished a batch at a time: one statement for all that ended
//! in the last moment rather than one per job.
//!
//! A mark lost with the process leaves its row unfinished; the relay then finds the task still
//! in Redis (a finished task's data is kept an hour) and leaves it be. Only if Redis loses it
//! too is it pushed and run once more, which every job allows.

use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use workflows::outbox;

#[derive(Clone, Default)]
pub struct Finished {
    tasks: Arc<Mutex<Vec<String>>>,
}

impl Finished {
    pub fn record(&self, task_id: String) {
        self.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(task_id);
    }

    /// Marks what was recorded since the last flush. On a database error the tasks are kept,
    /// so the next flush carries them.
    pub async fn flush(&self, pool: &PgPool) -> sqlx::Result<()> {
        let taken = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if taken.is_empty() {
            return Ok(());
        }
        let marked = async { outbox::mark_finished(&mut *pool.acquire().await?, &taken).await }.await;
        if let Err(e) = marked {
            self.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend(taken);
            return Err(e);
        }
        Ok(())
    }

    /// Flushes every 200 ms until the task is aborted.
    pub async fn flush_forever(self, pool: PgPool) {
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tick.tick().await;
            if let Err(e) = self.flush(&pool).await {
                tracing::debug!(error = %e, "finished jobs not marked; the next round carries them");
            }
        }
    }
}
