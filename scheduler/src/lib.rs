//! Time-driven steps. Each procurement's deadline is a delayed job; this sweep is the safety
//! net for any deadline job that was missed, applying the same rule
//! ([`workflows::procurement::reach_deadline`]: stop when the target was collected, cancel
//! otherwise). Every move is a guarded transition, so several schedulers sweeping at once still
//! move each procurement exactly once.

use chrono::Utc;
use sqlx::PgPool;
use std::time::Duration;
use workflows::DomainError;
use workflows::jobs::{self, Job};
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
        // One procurement that fails must not hold up the ones behind it.
        match procurement::reach_deadline(pool, id, Utc::now()).await {
            Ok(Some(_)) => moved += 1,
            Ok(None) => {}
            Err(e) => tracing::error!(procurement = id, error = %e, "deadline rule failed; next sweep retries"),
        }
    }
    Ok(moved)
}

/// Applies passed payment deadlines that still have unpaid orders (a missed or lost job).
pub async fn sweep_payment_deadlines(pool: &PgPool, batch: i64) -> Result<usize, DomainError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM procurements p
         WHERE p.status = 'payment' AND p.payment_deadline <= now()
           AND EXISTS (SELECT 1 FROM participants pa
                       WHERE pa.procurement_id = p.id AND pa.status IN ('pending', 'confirmed'))
         ORDER BY p.payment_deadline LIMIT $1",
    )
    .bind(batch)
    .fetch_all(pool)
    .await?;
    let mut applied = 0;
    for id in due {
        match procurement::reach_payment_deadline(pool, id, Utc::now()).await {
            Ok(Some(_)) => applied += 1,
            Ok(None) => {}
            Err(e) => tracing::error!(procurement = id, error = %e, "payment deadline failed; next sweep retries"),
        }
    }
    Ok(applied)
}

/// How long a capture or refund may wait for its job before the sweep settles it itself.
const SETTLEMENT_GRACE_SECS: i64 = 120;

/// The safety net behind capture and refund jobs: a job can end in the dead-letter set (the
/// database was down for its every attempt) and nothing would pay the organizer or refund the
/// buyer. Payments still held in escrow whose order the state says to settle are settled here,
/// through the same idempotent handlers. Returns how many were settled.
pub async fn sweep_settlements(pool: &PgPool, batch: i64) -> Result<usize, DomainError> {
    let due: Vec<(i64, bool)> = sqlx::query_as(
        "SELECT pa.id, p.status = 'completed' AS capture
         FROM payments pay
         JOIN participants pa ON pa.id = pay.participant_id
         JOIN procurements p ON p.id = pa.procurement_id
         WHERE pay.payment_type = 'procurement_payment' AND pay.status = 'waiting_for_capture'
           AND pay.updated_at < now() - make_interval(secs => $2)
           AND ((p.status = 'completed' AND pa.status IN ('paid', 'delivered')) OR pa.status = 'cancelled')
         ORDER BY pay.id LIMIT $1",
    )
    .bind(batch)
    .bind(SETTLEMENT_GRACE_SECS as f64)
    .fetch_all(pool)
    .await?;
    let mut settled = 0;
    for (participant_id, capture) in due {
        let job = if capture { Job::CapturePayment { participant_id } } else { Job::RefundPayment { participant_id } };
        match jobs::run(pool, &job).await {
            Ok(()) => settled += 1,
            Err(e) => tracing::error!(task = job.task_id(), error = %e, "settlement sweep failed; next sweep retries"),
        }
    }
    Ok(settled)
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
        match sweep_payment_deadlines(&pool, config.batch).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(procurements = n, "payment deadline sweep"),
            Err(e) => tracing::warn!(error = %e, "payment deadline sweep failed; retrying next tick"),
        }
        match sweep_settlements(&pool, config.batch).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(settled = n, "settlement sweep settled payments their jobs had not"),
            Err(e) => tracing::warn!(error = %e, "settlement sweep failed; retrying next tick"),
        }
    }
}
