//! Capture and refund of one order, run by their jobs and by the settlement sweep: each checks that the state still calls for it, then moves the
//! money through the ledger under the participant's idempotency key.

use crate::DomainError;
use crate::participant::{self, ParticipantStatus};
use crate::procurement::{self, ProcurementStatus};
use sqlx::PgPool;

pub async fn capture(pool: &PgPool, participant_id: i64) -> Result<(), DomainError> {
    let mut tx = pool.begin().await?;
    let (p, part) = lock_order(&mut tx, participant_id).await?;
    if p.status != ProcurementStatus::Completed {
        return Err(DomainError::conflict(
            "not_settleable",
            format!("procurement {} is '{}', not completed", p.id, p.status),
        ));
    }
    if !matches!(part.status, ParticipantStatus::Paid | ParticipantStatus::Delivered) {
        return Err(DomainError::conflict(
            "not_settleable",
            format!("participant {participant_id} is '{}', not paid", part.status),
        ));
    }
    // A capture delivered again after it happened has nothing left to do. Its bank side was
    // settled by the first run: a buyer who had no account at the bank then (a share paid with
    // a bonus) and has opened one since must not now pay at the bank for that share.
    if !held_in_escrow(&mut tx, participant_id).await? {
        return Ok(());
    }
    let (net, fee) = procurement::commission_split(&p, part.amount);
    crate::payments::operations::record_capture(&mut tx, part.id, part.user_id, p.organizer_id, net, fee).await?;
    // Last, the rows every capture of this procurement shares (escrow, the organizer's balance,
    // commission, the fan-out's counter): their locks are then held only until the commit.
    procurement::capture_participant(&mut tx, &p, &part).await?;
    crate::fanout::child_done(&mut tx, crate::queue::FanoutKind::Captures, p.id, participant_id).await?;
    crate::failpoint::pause("capture.before_commit").await;
    tx.commit().await?;
    crate::failpoint::pause("capture.after_commit").await;
    Ok(())
}

pub async fn refund(pool: &PgPool, participant_id: i64) -> Result<(), DomainError> {
    let mut tx = pool.begin().await?;
    let (p, part) = lock_order(&mut tx, participant_id).await?;
    if part.status != ParticipantStatus::Cancelled {
        return Err(DomainError::conflict(
            "not_settleable",
            format!("participant {participant_id} is '{}', not cancelled", part.status),
        ));
    }
    if held_in_escrow(&mut tx, participant_id).await? {
        procurement::refund_participant(&mut tx, &p, &part).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether the order's share sits in escrow, as its payment row says: captured, refunded or
/// never paid means there is nothing (left) to move.
async fn held_in_escrow(conn: &mut sqlx::PgConnection, participant_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM payments WHERE participant_id = $1
                        AND payment_type = 'procurement_payment' AND status = 'waiting_for_capture')",
    )
    .bind(participant_id)
    .fetch_one(conn)
    .await
}

/// The procurement (locked, as every change to its orders does first) and then the order, read
/// under that lock so its status cannot change underneath.
async fn lock_order(
    conn: &mut sqlx::PgConnection,
    participant_id: i64,
) -> Result<(procurement::Procurement, participant::Participant), DomainError> {
    let procurement_id = participant::get(conn, participant_id).await?.procurement_id;
    let p = procurement::lock(conn, procurement_id).await?;
    let part = participant::lock(conn, participant_id).await?;
    Ok((p, part))
}
