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

/// The transition of the rows a statement is creating (their id is not known yet).
pub struct TransitionOfNew<'a, S: StateName> {
    pub from: Option<S>,
    pub to: S,
    pub event: &'a str,
    pub actor_user_id: Option<i64>,
    pub data: serde_json::Value,
}

/// Appends `, {name} AS (INSERT INTO event_log … SELECT … FROM {source})` to a `WITH` statement:
/// the transition of every row the CTE `source` yields (by its `id`), recorded by the statement
/// that makes them.
pub fn push_record_of_new<S: StateName>(
    q: &mut sqlx::QueryBuilder<sqlx::Postgres>,
    name: &str,
    source: &str,
    t: TransitionOfNew<'_, S>,
) {
    q.push(format_args!(
        ", {name} AS (INSERT INTO event_log (entity_type, entity_id, from_state, to_state, event, actor_user_id, data) SELECT "
    ));
    q.push_bind(S::ENTITY).push(format_args!(", {source}.id, ")).push_bind(t.from.map(StateName::as_str));
    q.push(", ").push_bind(t.to.as_str()).push(", ").push_bind(t.event.to_string());
    q.push(", ").push_bind(t.actor_user_id).push(", ").push_bind(t.data).push(format_args!(" FROM {source})"));
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
