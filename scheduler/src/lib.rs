//! Time-driven steps. Each procurement's deadline is a delayed job; this sweep is the safety
//! net for any deadline job that was missed, applying the same rule
//! ([`workflows::procurement::reach_deadline`]: stop when the target was collected, cancel
//! otherwise). Every move is a guarded transition, so several schedulers sweeping at once still
//! move each procurement exactly once.

use chrono::Utc;
use sqlx::PgPool;
use std::time::Duration;
use workflows::DomainError;
use workflows::procurement;

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

/// Applies the deadline rule to active procurements past their deadline; returns how many this
/// call moved.
pub async fn sweep_deadlines(pool: &PgPool, batch: i64) -> Result<usize, DomainError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM procurements WHERE status = 'active' AND deadline <= now() ORDER BY deadline LIMIT $1",
    )
    .bind(batch)
    .fetch_all(pool)
    .await?;
    let mut moved = 0;
    for id in due {
        // None: someone else (another sweep, a deadline job, the organizer) moved it first.
        if procurement::reach_deadline(pool, id, Utc::now()).await?.is_some() {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Sweeps forever at the configured interval; errors are logged and the next tick retries.
pub async fn run_sweeps(pool: PgPool, config: SweepConfig) {
    let mut tick = tokio::time::interval(config.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match sweep_deadlines(&pool, config.batch).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(moved = n, "deadline sweep"),
            Err(e) => tracing::warn!(error = %e, "deadline sweep failed; retrying next tick"),
        }
    }
}
