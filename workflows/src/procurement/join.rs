//! Joining and leaving a procurement.
//!
//! Both lock the procurement row first, so concurrent joins are serialized per procurement and
//! the collected amount can never pass the stop amount.
//!
//! Stop-amount policy: a join that would take the collected amount past `stop_at_amount` is
//! **rejected**, not trimmed: a buyer asked for a quantity, and silently selling them less is
//! worse than telling them what is left. The refusal names the remaining amount so a client can
//! offer a smaller quantity. A join that lands exactly on the stop amount stops the procurement in
//! the same transaction.

use super::model::Procurement;
use super::status::{ProcurementEvent, ProcurementStatus};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::{self, TransitionOfNew};
use crate::money::{Money, Quantity};
use crate::participant::{self, Participant, ParticipantStatus};
use crate::queue::{StopReason, TransitionData};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

#[derive(Debug, Clone)]
pub struct JoinRequest {
    pub user_id: i64,
    /// Defaults to one unit.
    pub quantity: Option<Quantity>,
    /// Optional when the procurement has a price per unit (then it must equal quantity × price);
    /// required when it has none.
    pub amount: Option<Money>,
    pub notes: String,
}

pub async fn join(
    pool: &PgPool,
    procurement_id: i64,
    request: JoinRequest,
    actor: Actor,
    now: DateTime<Utc>,
) -> DomainResult<Participant> {
    if !actor.may_act_for(request.user_id) {
        return Err(DomainError::forbidden("you can join only for yourself"));
    }
    if request.notes.chars().count() > 1_000 {
        return Err(DomainError::invalid("notes", "at most 1000 characters"));
    }
    let mut tx = pool.begin().await?;
    let Some(locked) = store::lock_for_order(&mut tx, procurement_id, request.user_id).await? else {
        // The person's own problem, if any, is told first, as for an existing procurement.
        crate::users::ensure_active(&mut tx, request.user_id).await?;
        return Err(DomainError::not_found("procurement", procurement_id));
    };
    crate::users::check_active(request.user_id, locked.buyer_active)?;
    let procurement = locked.procurement;
    let (quantity, amount) = order_terms(&procurement, &request, now)?;
    if locked.participation.is_some() {
        return Err(DomainError::conflict("already_participating", "already participating in this procurement"));
    }
    let new_total =
        procurement.current_amount.checked_add(amount).ok_or_else(|| DomainError::invalid("amount", "too large"))?;
    if let Some(stop) = procurement.stop_at_amount
        && new_total > stop
    {
        return Err(DomainError::conflict(
            "stop_amount_exceeded",
            format!(
                "this order of {amount} would pass the stop amount of {stop}; {} is left",
                procurement.remaining_to_stop().unwrap_or_default()
            ),
        ));
    }

    let stops = procurement.stop_at_amount.is_some_and(|stop| new_total >= stop);
    let order = participant::NewOrder {
        procurement_id,
        user_id: request.user_id,
        quantity,
        amount,
        notes: request.notes.trim(),
    };
    // The order, the totals and the event log in one statement, each module writing its own table.
    let mut placing = participant::place_order_query(&order);
    store::push_add_order(&mut placing, procurement_id, amount, stops);
    let joined = TransitionOfNew {
        from: None,
        to: ParticipantStatus::Pending,
        event: "join",
        actor_user_id: actor.user_id(),
        data: serde_json::json!({ "procurement_id": procurement_id, "amount": amount, "quantity": quantity }),
    };
    events::push_record_of_new(&mut placing, "logged", "pa", joined);
    let participant = participant::fetch_placed(placing, &mut tx).await?;
    if stops {
        let reason = TransitionData::because(StopReason::StopAmountReached).with_amounts(new_total, None);
        super::lifecycle::record_transition(
            &mut tx,
            &procurement,
            ProcurementStatus::Stopped,
            ProcurementEvent::Stop,
            actor,
            reason,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(participant)
}

/// Checks the order against the procurement and works out its quantity and amount.
fn order_terms(p: &Procurement, request: &JoinRequest, now: DateTime<Utc>) -> DomainResult<(Quantity, Money)> {
    // Drafts are private to their organizer: joining one must not reveal that it exists.
    if p.status == ProcurementStatus::Draft && p.organizer_id != request.user_id {
        return Err(DomainError::not_found("procurement", p.id));
    }
    if p.organizer_id == request.user_id {
        return Err(DomainError::forbidden("organizers cannot join their own procurement"));
    }
    if p.status != ProcurementStatus::Active {
        return Err(DomainError::conflict(
            "not_joinable",
            format!("the procurement is '{}'; only an 'active' procurement can be joined", p.status),
        ));
    }
    if p.deadline <= now {
        return Err(DomainError::conflict("deadline_passed", "the procurement's deadline has passed"));
    }
    if p.stop_reached() {
        return Err(DomainError::conflict("stop_amount_exceeded", "the procurement has reached its stop amount"));
    }
    let quantity = request.quantity.unwrap_or(Quantity::from_hundredths(100));
    if !quantity.is_positive() {
        return Err(DomainError::invalid("quantity", "must be greater than zero"));
    }
    if quantity < p.min_quantity {
        return Err(DomainError::invalid("quantity", format!("at least {} {}", p.min_quantity, p.unit)));
    }
    let amount = match p.price_per_unit {
        Some(price) => {
            let computed = price
                .times(quantity)
                .filter(|a| a.is_positive())
                .ok_or_else(|| DomainError::invalid("quantity", "out of range for this price"))?;
            if let Some(sent) = request.amount
                && sent != computed
            {
                return Err(DomainError::invalid(
                    "amount",
                    format!("must be {computed} ({quantity} × {price}); omit it to let the server compute it"),
                ));
            }
            computed
        }
        None => request.amount.filter(|a| a.is_positive()).ok_or_else(|| {
            DomainError::invalid("amount", "required and positive: this procurement has no unit price")
        })?,
    };
    Ok((quantity, amount))
}

async fn active_participation(conn: &mut PgConnection, procurement_id: i64, user_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM participants WHERE procurement_id = $1 AND user_id = $2 AND status <> 'cancelled'",
    )
    .bind(procurement_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await
}

/// Leaving is open while the procurement collects orders; after that only the organizer can
/// remove someone (who may need a refund).
pub async fn leave(pool: &PgPool, procurement_id: i64, user_id: i64, actor: Actor) -> DomainResult<Participant> {
    if !actor.may_act_for(user_id) {
        return Err(DomainError::forbidden("you can leave only for yourself"));
    }
    let mut tx = pool.begin().await?;
    let procurement = store::lock(&mut tx, procurement_id).await?;
    if procurement.hidden_from(actor) {
        return Err(DomainError::not_found("procurement", procurement_id));
    }
    let participant_id = active_participation(&mut tx, procurement_id, user_id)
        .await?
        .ok_or_else(|| DomainError::conflict("not_participating", "not participating in this procurement"))?;
    if procurement.status != ProcurementStatus::Active {
        return Err(DomainError::conflict(
            "cannot_leave",
            format!("the procurement is '{}'; ask the organizer to remove your order", procurement.status),
        ));
    }
    let participant = participant::lock(&mut tx, participant_id).await?;
    participant::cancel(&mut tx, &procurement, &participant, actor, "leave").await?;
    let result = participant::get(&mut tx, participant_id).await?;
    tx.commit().await?;
    Ok(result)
}
