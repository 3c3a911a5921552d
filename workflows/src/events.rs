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

/// A procurement transition of generated history (`groupbuy seed --history`), with its time.
pub struct GeneratedTransition {
    pub procurement_id: i64,
    pub from: &'static str,
    pub to: &'static str,
    pub event: &'static str,
    pub data: serde_json::Value,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Records many generated transitions in one statement.
pub async fn record_generated(conn: &mut PgConnection, all: &[GeneratedTransition]) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO event_log (entity_type, entity_id, from_state, to_state, event, data, created_at)
         SELECT 'procurement', e, f, t, v, d, w
         FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[]) AS x(e, f, t, v, d, w)",
    )
    .bind(all.iter().map(|t| t.procurement_id).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.from).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.to).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.event).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.data.clone()).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.at).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}
