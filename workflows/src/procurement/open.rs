//! Opening a procurement: the one use case behind the REST `POST /procurements` and the bot's
//! "create procurement" dialogue.

use super::model::{NewProcurement, Procurement};
use super::store;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::users::{self, Role};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Validates `new` and stores it as a draft of its organizer, who must be an active organizer
/// (acting for themselves, or the system for them). Returns the stored draft.
pub async fn open(pool: &PgPool, new: NewProcurement, actor: Actor, now: DateTime<Utc>) -> DomainResult<Procurement> {
    if !actor.may_act_for(new.organizer_id) {
        return Err(DomainError::forbidden("you can open procurements only as yourself"));
    }
    let new = new.validated(now)?;
    let mut conn = pool.acquire().await?;
    let organizer = users::require_active(&mut conn, new.organizer_id).await?;
    if organizer.role != Role::Organizer {
        return Err(DomainError::forbidden(format!(
            "user {} is a {}; only organizers open procurements",
            organizer.id, organizer.role
        )));
    }
    let id = store::create(&mut conn, &new).await?;
    store::get(&mut conn, id).await
}
