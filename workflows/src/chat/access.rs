//! Who may read and write a room: its organizer and its participants who have not left;
//! service clients and staff ([`Actor::System`]) everywhere. Written once, used by the socket
//! and by every REST operation.

use crate::Actor;
use crate::error::{DomainError, DomainResult};
use sqlx::{PgConnection, PgPool};

#[derive(Debug, Clone, Copy)]
pub struct Room {
    pub procurement_id: i64,
    pub organizer_id: i64,
}

/// The room, if `actor` belongs in it: 404 for no such procurement (a draft exists only for its
/// organizer), 403 for strangers.
pub async fn room_for(conn: &mut PgConnection, procurement_id: i64, actor: Actor) -> DomainResult<Room> {
    let user = actor.user_id().unwrap_or(0);
    let found: Option<(i64, bool, bool)> = sqlx::query_as(
        "SELECT p.organizer_id, p.status = 'draft',
                EXISTS (SELECT 1 FROM participants pa
                        WHERE pa.procurement_id = p.id AND pa.user_id = $2 AND pa.status <> 'cancelled')
         FROM procurements p WHERE p.id = $1",
    )
    .bind(procurement_id)
    .bind(user)
    .fetch_optional(conn)
    .await?;
    let (organizer_id, draft, participates) =
        found.ok_or_else(|| DomainError::not_found("procurement", procurement_id))?;
    if draft && !actor.may_act_for(organizer_id) {
        return Err(DomainError::not_found("procurement", procurement_id));
    }
    let room = Room { procurement_id, organizer_id };
    match actor {
        Actor::System => Ok(room),
        Actor::User(id) if id == organizer_id || participates => Ok(room),
        Actor::User(id) => Err(DomainError::forbidden(format!(
            "user {id} is neither the organizer nor a participant of procurement {procurement_id}"
        ))),
    }
}

/// Whether `user_id` may enter the room (the original's `check_access`): not found as
/// [`room_for`] says, otherwise yes or no.
pub async fn may_enter(pool: &PgPool, procurement_id: i64, user_id: i64) -> DomainResult<bool> {
    let mut conn = pool.acquire().await?;
    match room_for(&mut conn, procurement_id, Actor::User(user_id)).await {
        Ok(_) => Ok(true),
        Err(DomainError::Forbidden { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// A person opening the room's socket.
pub async fn enter_room(pool: &PgPool, procurement_id: i64, user_id: i64) -> DomainResult<Room> {
    let mut conn = pool.acquire().await?;
    room_for(&mut conn, procurement_id, Actor::User(user_id)).await
}
