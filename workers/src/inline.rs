//! Running outbox jobs in the calling process, without Redis: how tests drain the work a
//! request caused before they look at its effects.

use workflows::jobs::{self, JobContext, JobError};
use workflows::outbox;

/// Runs every due outbox job (and the jobs those jobs cause) until none is left; returns how
/// many ran. Stops at the first failure.
pub async fn drain(ctx: &JobContext) -> Result<usize, JobError> {
    let pool = &ctx.pool;
    let mut ran = 0;
    loop {
        let mut tx = pool.begin().await?;
        let rows = outbox::claim(&mut tx, 100, Some(chrono::Utc::now())).await?;
        if rows.is_empty() {
            return Ok(ran);
        }
        for row in &rows {
            let job = row.job().map_err(|e| JobError::Permanent(format!("outbox row {}: {e}", row.id)))?;
            jobs::run(ctx, &job).await?;
            ran += 1;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        outbox::mark_sent(&mut tx, &ids).await?;
        // Run here and not pushed anywhere: a relay must not take them for lost.
        let tasks: Vec<String> = rows.iter().map(|r| r.task_id.clone()).collect();
        outbox::mark_finished(&mut tx, &tasks).await?;
        tx.commit().await?;
    }
}
