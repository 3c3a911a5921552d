//! The append-only event log: every state transition, who caused it and why.

use crate::transition::StateName;
use sqlx::PgConnection;

/// One transition to record.
pub struct Transition<'a, S: StateName> {
    pub entity_id: i64,
    pub from: Option<S>,
    pub to: S,
    pub event: &'a str,
    pub actor_user_id: Option<i64>,
    pub data: serde_json::Value,
}

pub async fn record<S: StateName>(conn: &mut PgConnection, t: Transition<'_, S>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO event_log (entity_type, entity_id, from_state, to_state, event, actor_user_id, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(S::ENTITY)
    .bind(t.entity_id)
    .bind(t.from.map(StateName::as_str))
    .bind(t.to.as_str())
    .bind(t.event)
    .bind(t.actor_user_id)
    .bind(t.data)
    .execute(conn)
    .await?;
    Ok(())
}
