//! Moving a procurement through its states, and what each move does to its participants.

use super::model::Procurement;
use super::status::{ProcurementEvent, ProcurementStatus};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::{self, Transition};
use crate::jobs::Job;
use crate::outbox;
use crate::participant::{self, ParticipantStatus};
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
    let procurement = store::lock(&mut tx, id).await?;
    if !actor.may_act_for(procurement.organizer_id) {
        return Err(DomainError::forbidden("only the procurement's organizer can change its status"));
    }
    let event = procurement.status.transition_to(target)?;
    if event == ProcurementEvent::Publish && procurement.deadline <= now {
        return Err(DomainError::invalid("deadline", "has passed; move it to the future before publishing"));
    }
    settle_participants(&mut tx, &procurement, event, actor).await?;
    sqlx::query("UPDATE procurements SET status = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    record_transition(&mut tx, &procurement, target, event, actor, serde_json::json!({})).await?;
    let changed = store::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(changed)
}

async fn settle_participants(
    conn: &mut PgConnection,
    procurement: &Procurement,
    event: ProcurementEvent,
    actor: Actor,
) -> DomainResult<()> {
    if !matches!(event, ProcurementEvent::Complete | ProcurementEvent::Cancel) {
        return Ok(());
    }
    for part in participant::active_of_procurement(conn, procurement.id).await? {
        let paid = matches!(part.status, ParticipantStatus::Paid | ParticipantStatus::Delivered);
        match event {
            ProcurementEvent::Complete if paid => {
                outbox::enqueue(conn, &Job::CapturePayment { participant_id: part.id }, None).await?;
            }
            // Delivered goods cannot be cancelled; their money stays to be settled by staff.
            ProcurementEvent::Cancel if part.status == ParticipantStatus::Delivered => {
                return Err(DomainError::conflict(
                    "goods_delivered",
                    format!("participant {} already received the goods; complete the procurement instead", part.id),
                ));
            }
            _ => participant::cancel(conn, procurement, &part, actor, event.name()).await?,
        }
    }
    Ok(())
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
    data: serde_json::Value,
) -> DomainResult<()> {
    events::record(
        conn,
        Transition {
            entity_id: procurement.id,
            from: Some(procurement.status),
            to,
            event: event.name(),
            actor_user_id: actor.user_id(),
            data: data.clone(),
        },
    )
    .await?;
    let job = Job::ProcurementTransition {
        procurement_id: procurement.id,
        from: procurement.status.to_string(),
        to: to.to_string(),
        event: event.name().to_string(),
    };
    outbox::enqueue(conn, &job, None).await?;
    Ok(())
}
