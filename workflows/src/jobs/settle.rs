//! Capture and refund as jobs: each checks that the state still calls for it, then moves the
//! money through the ledger under the participant's idempotency key.

use super::JobError;
use crate::participant::{self, ParticipantStatus};
use crate::procurement::{self, ProcurementStatus};
use sqlx::PgPool;

pub async fn capture(pool: &PgPool, participant_id: i64) -> Result<(), JobError> {
    let mut tx = pool.begin().await?;
    let part = participant::get(&mut tx, participant_id).await?;
    let p = procurement::lock(&mut tx, part.procurement_id).await?;
    if p.status != ProcurementStatus::Completed {
        return Err(JobError::Permanent(format!("procurement {} is '{}', not completed", p.id, p.status)));
    }
    if !matches!(part.status, ParticipantStatus::Paid | ParticipantStatus::Delivered) {
        return Err(JobError::Permanent(format!("participant {participant_id} is '{}', not paid", part.status)));
    }
    procurement::capture_participant(&mut tx, &p, &part).await?;
    crate::failpoint::pause("capture.before_commit").await;
    tx.commit().await?;
    crate::failpoint::pause("capture.after_commit").await;
    Ok(())
}

pub async fn refund(pool: &PgPool, participant_id: i64) -> Result<(), JobError> {
    let mut tx = pool.begin().await?;
    let part = participant::get(&mut tx, participant_id).await?;
    let p = procurement::lock(&mut tx, part.procurement_id).await?;
    if part.status != ParticipantStatus::Cancelled {
        return Err(JobError::Permanent(format!("participant {participant_id} is '{}', not cancelled", part.status)));
    }
    // The payment row says whether money sits in escrow for this order; refunded or never paid
    // means there is nothing (left) to do.
    let held: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM payments WHERE participant_id = $1
                        AND payment_type = 'procurement_payment' AND status = 'waiting_for_capture')",
    )
    .bind(participant_id)
    .fetch_one(&mut *tx)
    .await?;
    if held {
        procurement::refund_participant(&mut tx, &p, &part).await?;
    }
    tx.commit().await?;
    Ok(())
}
