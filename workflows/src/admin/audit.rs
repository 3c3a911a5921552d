//! The audit log as staff read it: newest first, filtered by who, what and when.

use super::list::{Window, order_by};
use crate::error::DomainResult;
use crate::page::{Page, PageRequest, fetch_counted};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, QueryBuilder};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub staff_id: Option<i64>,
    pub staff_username: String,
    /// `staff` or `service`.
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub staff_id: Option<i64>,
    /// Exact (`category.create`), or a prefix ending in a dot (`category.`).
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub window: Window,
}

pub const ORDERINGS: &[(&str, &str)] = &[("created_at", "created_at"), ("id", "id")];

pub async fn list(
    conn: &mut PgConnection,
    query: &AuditQuery,
    ordering: Option<&str>,
    page: PageRequest,
) -> DomainResult<Page<AuditEntry>> {
    let order = order_by(ordering, ORDERINGS, "-created_at")?;
    let mut q = QueryBuilder::new(
        "SELECT id, staff_id, staff_username, actor, action, entity, entity_id, before, after, created_at,
                count(*) OVER () AS total
         FROM audit_log WHERE TRUE",
    );
    if let Some(staff) = query.staff_id {
        q.push(" AND staff_id = ").push_bind(staff);
    }
    match query.action.as_deref() {
        Some(prefix) if prefix.ends_with('.') => {
            q.push(" AND starts_with(action, ").push_bind(prefix.to_string()).push(")");
        }
        Some(action) => {
            q.push(" AND action = ").push_bind(action.to_string());
        }
        None => {}
    }
    if let Some(entity) = &query.entity {
        q.push(" AND entity = ").push_bind(entity.clone());
    }
    if let Some(entity_id) = &query.entity_id {
        q.push(" AND entity_id = ").push_bind(entity_id.clone());
    }
    query.window.push(&mut q, "created_at");
    q.push(order).push(" LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_counted(q, conn, page).await?)
}
