//! The audit log: one append-only row per staff write, recorded inside the write's own
//! transaction so the log holds exactly the changes that committed.

use super::Operator;
use crate::error::DomainResult;
use serde_json::Value;
use sqlx::PgConnection;

/// What a staff write changed: `action` is a dotted name (`user.toggle_active`,
/// `procurement.update_status`, `category.delete`, `job.retry`), `entity` and `entity_id` what it
/// touched, `before` and `after` its state on either side (`None` where there is none).
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends `change` to the log as made by `operator`; call it on the write's transaction.
pub async fn record(conn: &mut PgConnection, operator: Operator, change: Change<'_>) -> DomainResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (staff_id, staff_username, actor, action, entity, entity_id, before, after)
         VALUES ($1, COALESCE((SELECT username FROM users WHERE id = $1), ''), $2, $3, $4, $5, $6, $7)",
    )
    .bind(operator.staff_id())
    .bind(if operator.staff_id().is_some() { "staff" } else { "service" })
    .bind(change.action)
    .bind(change.entity)
    .bind(change.entity_id)
    .bind(change.before)
    .bind(change.after)
    .execute(conn)
    .await?;
    Ok(())
}
