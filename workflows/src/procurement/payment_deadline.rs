//! The payment deadline: orders still unpaid when it passes are cancelled, and the organizer is
//! told who paid. The procurement itself stays in `payment`: whether to buy for those who paid
//! or to cancel is the organizer's call.

use super::model::Procurement;
use super::status::ProcurementStatus;
use super::store;
use crate::actor::Actor;
use crate::error::DomainResult;
use crate::money::Money;
use crate::notify::{self, Notice, NotificationType};
use crate::participant::{self, ParticipantStatus};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// What the deadline did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentDeadlineOutcome {
    pub paid: usize,
    pub cancelled: usize,
}

/// Applies the payment deadline of procurement `id` if it has passed; `None` when there is
/// nothing to do (not in payment, no deadline, deadline ahead or moved). Safe to run twice: a
/// second run finds no unpaid order and its notices already written.
pub async fn reach_payment_deadline(
    pool: &PgPool,
    id: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<PaymentDeadlineOutcome>> {
    let mut tx = pool.begin().await?;
    let p = store::lock(&mut tx, id).await?;
    let Some(deadline) = p.payment_deadline.filter(|d| *d <= now) else {
        return Ok(None);
    };
    if p.status != ProcurementStatus::Payment {
        return Ok(None);
    }
    let key = |user: i64| format!("payment_deadline:{id}:{}:user:{user}", deadline.timestamp());
    let (mut paid, mut paid_amount, mut cancelled) = (0, Money::ZERO, 0);
    for part in participant::active_of_procurement(&mut tx, id).await? {
        if matches!(part.status, ParticipantStatus::Paid | ParticipantStatus::Delivered) {
            paid += 1;
            paid_amount = paid_amount.checked_add(part.amount).unwrap_or(paid_amount);
            continue;
        }
        participant::cancel(&mut tx, &p, &part, Actor::System, "payment_deadline").await?;
        cancelled += 1;
        let data = json!({ "title": p.title, "amount": part.amount });
        notice(&mut tx, &p, part.user_id, "payment_deadline_missed", data, key(part.user_id)).await?;
    }
    let data =
        json!({ "title": p.title, "paid_count": paid, "paid_amount": paid_amount, "cancelled_count": cancelled });
    notice(&mut tx, &p, p.organizer_id, "payment_deadline_organizer", data, key(p.organizer_id)).await?;
    tx.commit().await?;
    Ok(Some(PaymentDeadlineOutcome { paid, cancelled }))
}

async fn notice(
    conn: &mut PgConnection,
    p: &Procurement,
    user_id: i64,
    template: &str,
    data: serde_json::Value,
    dedupe_key: String,
) -> DomainResult<()> {
    let notice = Notice {
        user_id,
        kind: NotificationType::ProcurementUpdate,
        template,
        data,
        procurement_id: Some(p.id),
        dedupe_key,
    };
    notify::notify(conn, notice).await?;
    Ok(())
}
