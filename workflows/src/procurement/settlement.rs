//! The money side of a participant's order: paying into escrow, refunding, capturing.
//!
//! Each runs inside the caller's transaction and is keyed by the participant, so whichever path
//! reaches it (a request, a job run twice) moves the money once. Each keeps the participant's
//! `procurement_payment` payment row in step: `waiting_for_capture` → `succeeded` | `refunded`.

use super::model::Procurement;
use crate::error::DomainResult;
use crate::ledger::{self, Account, Leg, Movement, Posted, TransactionType};
use crate::money::Money;
use crate::participant::Participant;
use crate::payments::escrow;
use sqlx::PgConnection;

/// The buyer's share moves from their balance into the procurement's escrow.
pub async fn pay_participant(conn: &mut PgConnection, p: &Procurement, part: &Participant) -> DomainResult<Posted> {
    let movement = Movement::transfer(
        format!("pay:participant:{}", part.id),
        TransactionType::ProcurementJoin,
        Account::UserBalance(part.user_id),
        Account::Escrow(p.id),
        part.amount,
    )
    .with_procurement(p.id)
    .with_description(format!("Оплата участия в закупке «{}»", p.title));
    let payment_id =
        escrow::record_share(conn, part.user_id, p.id, part.id, part.amount, &movement.description).await?;
    let posted = ledger::post(conn, &movement.with_payment(payment_id)).await?;
    Ok(posted)
}

/// The buyer's share comes back from escrow to their balance.
pub async fn refund_participant(conn: &mut PgConnection, p: &Procurement, part: &Participant) -> DomainResult<Posted> {
    let movement = Movement::transfer(
        format!("refund:participant:{}", part.id),
        TransactionType::ProcurementRefund,
        Account::Escrow(p.id),
        Account::UserBalance(part.user_id),
        part.amount,
    )
    .with_procurement(p.id)
    .with_description(format!("Возврат за закупку «{}»", p.title));
    let posted = ledger::post(conn, &movement).await?;
    escrow::settle_share(conn, part.id, "refunded").await?;
    Ok(posted)
}

/// An amount split into the organizer's net and the platform's commission.
pub fn commission_split(p: &Procurement, amount: Money) -> (Money, Money) {
    let fee = amount.percent(p.commission_percent.hundredths());
    (amount.checked_sub(fee).unwrap_or(Money::ZERO), fee)
}

/// Escrow goes to the organizer, less the platform's commission.
pub async fn capture_participant(conn: &mut PgConnection, p: &Procurement, part: &Participant) -> DomainResult<Posted> {
    let (net, fee) = commission_split(p, part.amount);
    let mut legs =
        vec![Leg::new(Account::Escrow(p.id), -part.amount), Leg::new(Account::UserBalance(p.organizer_id), net)];
    if fee.is_positive() {
        legs.push(Leg::new(Account::Commission, fee));
    }
    let movement = Movement {
        idempotency_key: format!("capture:participant:{}", part.id),
        kind: TransactionType::Transfer,
        legs,
        procurement_id: Some(p.id),
        payment_id: None,
        description: format!("Выплата организатору по закупке «{}»", p.title),
    };
    let posted = ledger::post(conn, &movement).await?;
    escrow::settle_share(conn, part.id, "succeeded").await?;
    Ok(posted)
}
