//! What follows a procurement's change of state: telling the people concerned, and starting the
//! fan-outs whose children do the per-participant work.
//!
//! Each notice is keyed by (step, person), so a job delivered twice writes each once.

use super::JobError;
use crate::fanout;
use crate::notify::{self, Notice, NotificationType};
use crate::participant::{self, Participant, ParticipantStatus};
use crate::procurement::{self, Procurement, ProcurementStatus};
use crate::queue::{CancelledOrder, FanoutKind, StopReason, TransitionData};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

pub async fn on_transition(
    pool: &PgPool,
    procurement_id: i64,
    to: ProcurementStatus,
    data: &TransitionData,
) -> Result<(), JobError> {
    let mut tx = pool.begin().await?;
    let p = procurement::get(&mut tx, procurement_id).await?;
    let step = format!("procurement.{to}");
    let tell = Teller { p: &p, step: &step };
    match to {
        ProcurementStatus::Stopped => {
            let stop_reached = data.reason == Some(StopReason::StopAmountReached);
            let organizer = json!({ "stop_reached": stop_reached });
            tell.organizer(&mut tx, NotificationType::ProcurementUpdate, "procurement_stopped_organizer", organizer)
                .await?;
            for part in participant::active_of_procurement(&mut tx, p.id).await? {
                let data = json!({ "amount": part.amount });
                tell.user(
                    &mut tx,
                    part.user_id,
                    NotificationType::ProcurementUpdate,
                    "procurement_stopped_participant",
                    data,
                )
                .await?;
            }
        }
        ProcurementStatus::Payment => {
            let confirmed: Vec<i64> = participant::active_of_procurement(&mut tx, p.id)
                .await?
                .into_iter()
                .filter(|part| part.status == ParticipantStatus::Confirmed)
                .map(|part| part.id)
                .collect();
            fanout::start(&mut tx, FanoutKind::PaymentRequests, p.id, &confirmed).await?;
        }
        ProcurementStatus::Cancelled => {
            let below_target = data.reason == Some(StopReason::BelowTarget);
            let current = data.current_amount.unwrap_or(crate::Money::ZERO);
            let organizer = json!({ "below_target": below_target, "current_amount": current });
            tell.organizer(&mut tx, NotificationType::ProcurementUpdate, "procurement_cancelled_organizer", organizer)
                .await?;
            for (part, paid) in cancelled_with(&mut tx, &data.cancelled_orders).await? {
                let data = json!({ "amount": part.amount, "paid": paid });
                tell.user(&mut tx, part.user_id, NotificationType::ProcurementUpdate, "procurement_cancelled", data)
                    .await?;
            }
        }
        ProcurementStatus::Completed => {
            for part in participant::active_of_procurement(&mut tx, p.id).await? {
                let data = json!({ "amount": part.amount });
                tell.user(&mut tx, part.user_id, NotificationType::ProcurementCompleted, "procurement_completed", data)
                    .await?;
            }
        }
        ProcurementStatus::Draft | ProcurementStatus::Active => {}
    }
    tx.commit().await?;
    Ok(())
}

/// A child of the payment-request fan-out: asks one participant to pay, if they still should.
pub async fn request_payment(pool: &PgPool, procurement_id: i64, participant_id: i64) -> Result<(), JobError> {
    let mut tx = pool.begin().await?;
    let p = procurement::get(&mut tx, procurement_id).await?;
    let part = participant::get(&mut tx, participant_id).await?;
    // Someone who left, or paid already, since the fan-out began needs no request; the child
    // still counts as done so the completion step runs.
    if p.status == ProcurementStatus::Payment && part.status == ParticipantStatus::Confirmed {
        let data = json!({ "amount": part.amount, "payment_deadline": p.payment_deadline });
        let step = format!("procurement.{}", ProcurementStatus::Payment);
        Teller { p: &p, step: &step }
            .user(&mut tx, part.user_id, NotificationType::PaymentRequired, "payment_required", data)
            .await?;
    }
    fanout::child_done(&mut tx, FanoutKind::PaymentRequests, procurement_id, participant_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The completion step of a fan-out: the organizer hears the outcome once.
pub async fn fanout_completed(pool: &PgPool, kind: FanoutKind, procurement_id: i64) -> Result<(), JobError> {
    let mut tx = pool.begin().await?;
    let p = procurement::get(&mut tx, procurement_id).await?;
    let progress = fanout::progress(&mut tx, kind, procurement_id).await?;
    let count = progress.map_or(0, |progress| progress.total);
    let step = format!("fanout.{}", kind.as_str());
    let tell = Teller { p: &p, step: &step };
    match kind {
        FanoutKind::PaymentRequests => {
            let data = json!({ "count": count, "payment_deadline": p.payment_deadline });
            tell.organizer(&mut tx, NotificationType::ProcurementUpdate, "payment_requests_sent", data).await?;
        }
        FanoutKind::Captures => {
            let captured: crate::Money = sqlx::query_scalar(
                "SELECT COALESCE(sum(amount), 0) FROM payments
                 WHERE procurement_id = $1 AND payment_type = 'procurement_payment' AND status = 'succeeded'",
            )
            .bind(procurement_id)
            .fetch_one(&mut *tx)
            .await?;
            let data = json!({ "count": count, "captured": captured });
            tell.organizer(&mut tx, NotificationType::ProcurementCompleted, "captures_completed", data).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Writes the notices of one step about one procurement.
struct Teller<'a> {
    p: &'a Procurement,
    step: &'a str,
}

impl Teller<'_> {
    async fn organizer(
        &self,
        conn: &mut PgConnection,
        kind: NotificationType,
        template: &str,
        extra: Value,
    ) -> Result<(), JobError> {
        self.user(conn, self.p.organizer_id, kind, template, extra).await
    }

    async fn user(
        &self,
        conn: &mut PgConnection,
        user_id: i64,
        kind: NotificationType,
        template: &str,
        extra: Value,
    ) -> Result<(), JobError> {
        let p = self.p;
        let dedupe_key = format!("{}:{}:user:{user_id}", self.step, p.id);
        let notice = Notice { user_id, kind, template, data: base(p, extra), procurement_id: Some(p.id), dedupe_key };
        notify::notify(conn, notice).await?;
        Ok(())
    }
}

/// What every template may use about the procurement, plus `extra`.
fn base(p: &Procurement, extra: Value) -> Value {
    let mut data = json!({
        "title": p.title,
        "current_amount": p.current_amount,
        "target_amount": p.target_amount,
        "participant_count": p.participant_count,
    });
    if let (Some(map), Value::Object(extra)) = (data.as_object_mut(), extra) {
        map.extend(extra);
    }
    data
}

/// The orders the procurement's cancellation cancelled (as its job says), and whether each had
/// been paid.
async fn cancelled_with(conn: &mut PgConnection, orders: &[CancelledOrder]) -> sqlx::Result<Vec<(Participant, bool)>> {
    let ids: Vec<i64> = orders.iter().map(|o| o.participant_id).collect();
    let paid: std::collections::HashMap<i64, bool> = orders.iter().map(|o| (o.participant_id, o.paid)).collect();
    let parts = participant::many(conn, &ids).await?;
    Ok(parts
        .into_iter()
        .map(|part| {
            let was_paid = paid.get(&part.id).copied().unwrap_or(false);
            (part, was_paid)
        })
        .collect())
}
