//! The audit log's rows.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::admin::audit::AuditEntry;

#[derive(Object)]
pub struct AuditOut {
    pub id: i64,
    /// The staff member; null for a service key.
    #[oai(nullable)]
    pub staff_id: Option<i64>,
    pub staff_username: String,
    /// `staff` or `service`.
    pub actor: String,
    /// A dotted name: `category.create`, `message.toggle_delete`, `job.retry`, …
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    #[oai(nullable)]
    pub before: Option<serde_json::Value>,
    #[oai(nullable)]
    pub after: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl From<AuditEntry> for AuditOut {
    fn from(a: AuditEntry) -> Self {
        Self {
            id: a.id,
            staff_id: a.staff_id,
            staff_username: a.staff_username,
            actor: a.actor,
            action: a.action,
            entity: a.entity,
            entity_id: a.entity_id,
            before: a.before,
            after: a.after,
            created_at: a.created_at,
        }
    }
}
