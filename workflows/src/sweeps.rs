//! Sweeps: the safety nets behind the delayed jobs, run on cron schedules. Each applies the
//! same rule its job does, through the same guarded transitions and idempotent handlers, so any
//! number of runs (replicas, redeliveries) has the effect of one.

use crate::DomainError;
use crate::procurement;
use chrono::{NaiveDate, Utc};

use sqlx::PgPool;

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
        // The job handlers themselves, called directly: they are idempotent.
        let done = if capture {
            crate::settle::capture(pool, participant_id).await
        } else {
            crate::settle::refund(pool, participant_id).await
        };
        match done {
            Ok(()) => settled += 1,
            Err(e) => {
                tracing::error!(participant_id, capture, error = %e, "settlement sweep failed; next sweep retries")
            }
        }
    }
    Ok(settled)
}

/// Counts for one day, kept for staff dashboards: a row per day, rewritten if run again.
pub async fn daily_statistics(pool: &PgPool, day: NaiveDate) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO daily_stats (day, stats)
         SELECT $1, jsonb_build_object(
             'new_users', (SELECT count(*) FROM users WHERE created_at::date = $1),
             'new_procurements', (SELECT count(*) FROM procurements WHERE created_at::date = $1),
             'joins', (SELECT count(*) FROM participants WHERE created_at::date = $1),
             'procurements_by_status', (SELECT COALESCE(jsonb_object_agg(status, n), '{}')
                                        FROM (SELECT status, count(*) n FROM procurements GROUP BY status) s),
             'paid_into_escrow', (SELECT COALESCE(sum(amount), 0)::text FROM payments
                                  WHERE payment_type = 'procurement_payment' AND created_at::date = $1),
             'notifications', (SELECT count(*) FROM notifications WHERE created_at::date = $1))
         ON CONFLICT (day) DO UPDATE SET stats = EXCLUDED.stats, computed_at = now()",
    )
    .bind(day)
    .execute(pool)
    .await?;
    Ok(())
}
