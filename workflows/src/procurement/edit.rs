//! An organizer (or staff) changes a procurement's details.

use super::model::{Procurement, ProcurementPatch};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Applies `patch` to procurement `id` for `actor`: its organizer, or staff (the only ones who
/// may feature it). A draft is invisible to everyone else, so to them it is not found.
pub async fn edit(
    pool: &PgPool,
    actor: Actor,
    id: i64,
    patch: ProcurementPatch,
    now: DateTime<Utc>,
) -> DomainResult<Procurement> {
    if patch.is_featured.is_some() && actor != Actor::System {
        return Err(DomainError::forbidden("only staff can feature a procurement"));
    }
    let mut tx = pool.begin().await?;
    let current = store::lock(&mut tx, id).await?;
    if current.hidden_from(actor) {
        return Err(DomainError::not_found("procurement", id));
    }
    if !actor.may_act_for(current.organizer_id) {
        return Err(DomainError::forbidden("only the procurement's organizer can change it"));
    }
    let patch = patch.validated(&current, now)?;
    store::update(&mut tx, &current, &patch).await?;
    let updated = store::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(updated)
}
