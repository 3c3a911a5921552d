//! Moving a procurement through its states, and what each move does to its participants.

use super::model::Procurement;
use super::status::{ProcurementEvent, ProcurementStatus};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::{self, Transition};
use crate::fanout;
use crate::outbox;
use crate::participant::{self, ParticipantStatus};
use crate::queue::{CancelledOrder, FanoutKind, Job, StopReason, TransitionData};
use crate::transition::StateMachine;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// Moves procurement `id` to `target` on behalf of `actor` (its organizer, or the system).
///
/// - publishing needs a deadline still ahead;
/// - completing queues a capture of every paid share to the organizer (less commission) and
///   cancels orders that were never paid;
/// - cancelling cancels every order and queues a refund of every paid share.
pub async fn change_status(
    pool: &PgPool,
    id: i64,
    target: ProcurementStatus,
    actor: Actor,
    now: DateTime<Utc>,
) -> DomainResult<Procurement> {
    let mut tx = pool.begin().await?;
    let changed = change_status_in(&mut tx, id, target, actor, now).await?;
    tx.commit().await?;
    Ok(changed)
}

/// [`change_status`] inside the caller's transaction, for writes that record more with it (a
/// staff change's audit row).
pub async fn change_status_in(
    conn: &mut PgConnection,
    id: i64,
    target: ProcurementStatus,
    actor: Actor,
    now: DateTime<Utc>,
) -> DomainResult<Procurement> {
    let procurement = store::lock(&mut *conn, id).await?;
    if procurement.hidden_from(actor) {
        return Err(DomainError::not_found("procurement", id));
    }
    if !actor.may_act_for(procurement.organizer_id) {
        return Err(DomainError::forbidden("only the procurement's organizer can change its status"));
    }
    if target == ProcurementStatus::Active && procurement.deadline <= now {
        // Checked after the table would allow it, so an illegal move still says so.
        procurement.status.transition_to(target)?;
        return Err(DomainError::invalid("deadline", "has passed; move it to the future before publishing"));
    }
    apply(&mut *conn, &procurement, target, actor, TransitionData::default()).await?;
    store::get(conn, id).await
}

/// The deadline rule. At its deadline an active procurement that collected at least its target
/// amount (the supplier's minimum order) stops, and the organizer moves on to payment; one that
/// did not is cancelled: the purchase cannot happen. Nobody has paid while a procurement is
/// active, so a cancellation here refunds nothing. Returns the new status, or `None` when there
/// is nothing to do (not active any more, or the deadline was moved).
pub async fn reach_deadline(pool: &PgPool, id: i64, now: DateTime<Utc>) -> DomainResult<Option<ProcurementStatus>> {
    let mut tx = pool.begin().await?;
    let p = store::lock(&mut tx, id).await?;
    if p.status != ProcurementStatus::Active || p.deadline > now {
        return Ok(None);
    }
    let (target, data) = if p.current_amount >= p.target_amount {
        (ProcurementStatus::Stopped, TransitionData::because(StopReason::Deadline))
    } else {
        let data =
            TransitionData::because(StopReason::BelowTarget).with_amounts(p.current_amount, Some(p.target_amount));
        (ProcurementStatus::Cancelled, data)
    };
    apply(&mut tx, &p, target, Actor::System, data).await?;
    tx.commit().await?;
    Ok(Some(target))
}

/// Moves a locked procurement to `target`: settles its orders, updates the row, logs the
/// transition and queues what follows.
async fn apply(
    conn: &mut PgConnection,
    procurement: &Procurement,
    target: ProcurementStatus,
    actor: Actor,
    data: TransitionData,
) -> DomainResult<()> {
    let event = procurement.status.transition_to(target)?;
    let mut data = data;
    data.cancelled_orders = settle_participants(conn, procurement, event, actor).await?;
    sqlx::query("UPDATE procurements SET status = $2, updated_at = now() WHERE id = $1")
        .bind(procurement.id)
        .bind(target)
        .execute(&mut *conn)
        .await?;
    record_transition(conn, procurement, target, event, actor, data).await?;
    if event == ProcurementEvent::Publish {
        super::deadlines::schedule(conn, procurement.id, procurement.deadline).await?;
    }
    if event == ProcurementEvent::RequestPayment
        && let Some(deadline) = procurement.payment_deadline
    {
        super::deadlines::schedule_payment(conn, procurement.id, deadline).await?;
    }
    Ok(())
}

async fn settle_participants(
    conn: &mut PgConnection,
    procurement: &Procurement,
    event: ProcurementEvent,
    actor: Actor,
) -> DomainResult<Vec<CancelledOrder>> {
    let mut cancelled = Vec::new();
    if !matches!(event, ProcurementEvent::Complete | ProcurementEvent::Cancel) {
        return Ok(cancelled);
    }
    let mut captures = Vec::new();
    for part in participant::active_of_procurement(conn, procurement.id).await? {
        let paid = matches!(part.status, ParticipantStatus::Paid | ParticipantStatus::Delivered);
        match event {
            ProcurementEvent::Complete if paid => captures.push(part.id),
            // Delivered goods cannot be cancelled; their money stays to be settled by staff.
            ProcurementEvent::Cancel if part.status == ParticipantStatus::Delivered => {
                return Err(DomainError::conflict(
                    "goods_delivered",
                    format!("participant {} already received the goods; complete the procurement instead", part.id),
                ));
            }
            _ => {
                participant::cancel(conn, procurement, &part, actor, &format!("procurement_{}", event.name())).await?;
                cancelled.push(CancelledOrder { participant_id: part.id, paid });
            }
        }
    }
    if event == ProcurementEvent::Complete {
        fanout::start(conn, FanoutKind::Captures, procurement.id, &captures).await?;
    }
    Ok(cancelled)
}

/// Records a procurement transition (whose row update the caller made) in the event log, and
/// queues the work it triggers. The task id is unique per (procurement, state): every state is
/// reached at most once, so a retried transaction cannot queue the work twice.
pub(crate) async fn record_transition(
    conn: &mut PgConnection,
    procurement: &Procurement,
    to: ProcurementStatus,
    event: ProcurementEvent,
    actor: Actor,
    data: TransitionData,
) -> DomainResult<()> {
    events::record(
        conn,
        Transition {
            entity_id: procurement.id,
            from: Some(procurement.status),
            to,
            event: event.name(),
            actor_user_id: actor.user_id(),
            data: serde_json::to_value(&data).unwrap_or_default(),
        },
    )
    .await?;
    let job = Job::ProcurementTransition { procurement_id: procurement.id, from: procurement.status, to, event, data };
    outbox::enqueue(conn, &job, None).await?;
    Ok(())
}
