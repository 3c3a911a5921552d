//! An organizer (or staff) changes a procurement's details.

use super::model::{Procurement, ProcurementPatch};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// Applies `patch` to procurement `id` for `actor`: its organizer, or staff (the only ones who
/// may feature it). A draft is invisible to everyone else, so to them it is not found.
pub async fn edit(
    pool: &PgPool,
    actor: Actor,
    id: i64,
    patch: ProcurementPatch,
    now: DateTime<Utc>,
) -> DomainResult<Procurement> {
    let mut tx = pool.begin().await?;
    let updated = edit_in(&mut tx, actor, id, patch, now).await?;
    tx.commit().await?;
    Ok(updated)
}

/// [`edit`] inside the caller's transaction, for writes that record more with it (a staff
/// edit's audit row).
pub async fn edit_in(
    conn: &mut PgConnection,
    actor: Actor,
    id: i64,
    patch: ProcurementPatch,
    now: DateTime<Utc>,
) -> DomainResult<Procurement> {
    if patch.is_featured.is_some() && actor != Actor::System {
        return Err(DomainError::forbidden("only staff can feature a procurement"));
    }
    let current = store::lock(&mut *conn, id).await?;
    if current.hidden_from(actor) {
        return Err(DomainError::not_found("procurement", id));
    }
    if !actor.may_act_for(current.organizer_id) {
        return Err(DomainError::forbidden("only the procurement's organizer can change it"));
    }
    let patch = patch.validated(&current, now)?;
    store::update(&mut *conn, &current, &patch).await?;
    store::get(conn, id).await
}
