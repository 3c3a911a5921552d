//! Moving a participant through its states, with the rules about who may do what and the money
//! each move carries.

use super::model::Participant;
use super::status::{ParticipantEvent, ParticipantStatus};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::{self, Transition};
use crate::outbox;
use crate::procurement::{self, Procurement, ProcurementStatus};
use crate::queue::Job;
use crate::transition::{StateMachine, StateName};
use sqlx::{PgConnection, PgPool};

/// Moves a participant to `target` on behalf of `actor`.
pub async fn change_status(
    pool: &PgPool,
    participant_id: i64,
    target: ParticipantStatus,
    actor: Actor,
) -> DomainResult<Participant> {
    let mut tx = pool.begin().await?;
    let procurement_id = store::get(&mut tx, participant_id).await?.procurement_id;
    // Same lock order as join and leave: procurement first, then the participant.
    let procurement = procurement::lock(&mut tx, procurement_id).await?;
    let participant = store::lock(&mut tx, participant_id).await?;
    let event = participant.status.transition_to(target)?;
    authorize(&procurement, &participant, event, actor)?;
    require_procurement_allows(&procurement, event)?;
    match event {
        ParticipantEvent::Cancel => cancel(&mut tx, &procurement, &participant, actor, "cancel").await?,
        ParticipantEvent::Pay => {
            procurement::pay_participant(&mut tx, &procurement, &participant).await?;
            move_to(&mut tx, &participant, event, actor).await?;
        }
        ParticipantEvent::Confirm | ParticipantEvent::Deliver => {
            move_to(&mut tx, &participant, event, actor).await?;
        }
    }
    // Read inside the transaction: the answer is this change's result, not a later one's.
    let changed = store::get(&mut tx, participant_id).await?;
    tx.commit().await?;
    Ok(changed)
}

fn authorize(p: &Procurement, part: &Participant, event: ParticipantEvent, actor: Actor) -> DomainResult<()> {
    let organizer = actor.may_act_for(p.organizer_id);
    let buyer = actor.may_act_for(part.user_id);
    let allowed = match event {
        ParticipantEvent::Confirm | ParticipantEvent::Deliver => organizer,
        // Only the buyer (or a service acting for them) spends the buyer's balance.
        ParticipantEvent::Pay => buyer,
        ParticipantEvent::Cancel => organizer || (buyer && p.status == ProcurementStatus::Active),
    };
    if allowed { Ok(()) } else { Err(DomainError::forbidden(format!("you may not {} this participant", event.name()))) }
}

fn require_procurement_allows(p: &Procurement, event: ParticipantEvent) -> DomainResult<()> {
    use ProcurementStatus::*;
    let allowed: &[ProcurementStatus] = match event {
        ParticipantEvent::Confirm => &[Active, Stopped, Payment],
        ParticipantEvent::Pay => &[Payment],
        ParticipantEvent::Deliver => &[Payment, Completed],
        // After completion the money has gone to the organizer; there is nothing to refund from.
        ParticipantEvent::Cancel => &[Draft, Active, Stopped, Payment],
    };
    if allowed.contains(&p.status) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    Err(DomainError::conflict(
        "procurement_state",
        format!(
            "a participant can {} only while the procurement is {}; it is '{}'",
            event.name(),
            names.join(" or "),
            p.status
        ),
    ))
}

async fn move_to(
    conn: &mut PgConnection,
    part: &Participant,
    event: ParticipantEvent,
    actor: Actor,
) -> DomainResult<ParticipantStatus> {
    let to = part.status.on(event)?;
    if !store::set_status(conn, part.id, part.status, to).await? {
        return Err(DomainError::conflict("concurrent_change", "the participant changed meanwhile; try again"));
    }
    events::record(
        conn,
        Transition {
            entity_id: part.id,
            from: Some(part.status),
            to,
            event: event.name(),
            actor_user_id: actor.user_id(),
            data: serde_json::json!({ "procurement_id": part.procurement_id }),
        },
    )
    .await?;
    Ok(to)
}

/// Cancels an order inside the caller's transaction (which holds the procurement's lock):
/// takes the order out of the procurement's totals and queues the refund of a paid share.
pub async fn cancel(
    conn: &mut PgConnection,
    procurement: &Procurement,
    part: &Participant,
    actor: Actor,
    reason: &str,
) -> DomainResult<()> {
    if part.status == ParticipantStatus::Paid {
        outbox::enqueue(conn, &Job::RefundPayment { participant_id: part.id }, None).await?;
    }
    let to = part.status.on(ParticipantEvent::Cancel)?;
    if !store::set_status(conn, part.id, part.status, to).await? {
        return Err(DomainError::conflict("concurrent_change", "the participant changed meanwhile; try again"));
    }
    crate::procurement::remove_order(conn, procurement.id, part.amount).await?;
    events::record(
        conn,
        Transition {
            entity_id: part.id,
            from: Some(part.status),
            to,
            event: reason,
            actor_user_id: actor.user_id(),
            data: serde_json::json!({ "procurement_id": part.procurement_id, "refunded": part.status == ParticipantStatus::Paid }),
        },
    )
    .await?;
    Ok(())
}
