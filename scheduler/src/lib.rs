//! Time-driven steps. For now: the deadline sweep, which stops every active procurement whose
//! deadline has passed. Each stop is a guarded transition, so several schedulers sweeping at
//! once still stop each procurement exactly once.

use chrono::Utc;
use sqlx::PgPool;
use std::time::Duration;
use workflows::procurement::{self, ProcurementStatus};
use workflows::{Actor, DomainError};

#[derive(Debug, Clone)]
pub struct SweepConfig {
    pub interval: Duration,
    /// Most procurements stopped per sweep; the rest wait for the next one.
    pub batch: i64,
}

impl Default for SweepConfig {
    fn default() -> Self {
        Self { interval: Duration::from_secs(5), batch: 500 }
    }
}

/// Stops active procurements past their deadline; returns how many this call stopped.
pub async fn sweep_deadlines(pool: &PgPool, batch: i64) -> Result<usize, DomainError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM procurements WHERE status = 'active' AND deadline <= now() ORDER BY deadline LIMIT $1",
    )
    .bind(batch)
    .fetch_all(pool)
    .await?;
    let mut stopped = 0;
    for id in due {
        match procurement::change_status(pool, id, ProcurementStatus::Stopped, Actor::System, Utc::now()).await {
            Ok(_) => stopped += 1,
            // Someone else (another sweep, the organizer) moved it first: nothing to do.
            Err(DomainError::IllegalTransition(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stopped)
}

/// Sweeps forever at the configured interval; errors are logged and the next tick retries.
pub async fn run_sweeps(pool: PgPool, config: SweepConfig) {
    let mut tick = tokio::time::interval(config.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match sweep_deadlines(&pool, config.batch).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(stopped = n, "deadline sweep"),
            Err(e) => tracing::warn!(error = %e, "deadline sweep failed; retrying next tick"),
        }
    }
}
