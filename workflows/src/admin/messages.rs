//! Chat messages across every room for staff, and moderation: deleting or restoring a message
//! through the chat's own change, so the room sees the frame as when its author deletes it.

use super::list::{contains, order_by};
use crate::chat::{self, Feed, Message};
use crate::error::DomainResult;
use crate::page::{Page, PageRequest, fetch_page};
use crate::staff::Operator;
use crate::staff::audit::{self, Change};
use serde_json::json;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

/// A message with the title of its procurement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffMessage {
    #[sqlx(flatten)]
    pub message: Message,
    pub procurement_title: String,
}

#[derive(Debug, Clone, Default)]
pub struct MessageQuery {
    pub procurement_id: Option<i64>,
    pub user_id: Option<i64>,
    pub is_deleted: Option<bool>,
    /// In the text.
    pub search: Option<String>,
}

pub const ORDERINGS: &[(&str, &str)] = &[("created_at", "m.created_at"), ("id", "m.id")];

pub async fn list(
    conn: &mut PgConnection,
    query: &MessageQuery,
    ordering: Option<&str>,
    page: PageRequest,
) -> DomainResult<Page<StaffMessage>> {
    let order = order_by(ordering, ORDERINGS, "-created_at")?;
    // Names and titles come per row of the page (every message has its procurement), so the
    // count reads the messages alone.
    let mut rows = QueryBuilder::new(
        "SELECT m.id, m.seq, m.procurement_id, m.user_id,
                COALESCE((SELECT COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.username, '')
                          FROM users u WHERE u.id = m.user_id), '') AS user_name,
                m.message_type, m.text, m.attachment_url, m.is_edited, m.is_deleted, m.created_at, m.updated_at,
                (SELECT p.title FROM procurements p WHERE p.id = m.procurement_id) AS procurement_title",
    );
    let from_where = |q: &mut QueryBuilder<Postgres>| {
        q.push(" FROM chat_messages m WHERE TRUE");
        if let Some(procurement) = query.procurement_id {
            q.push(" AND m.procurement_id = ").push_bind(procurement);
        }
        if let Some(user) = query.user_id {
            q.push(" AND m.user_id = ").push_bind(user);
        }
        if let Some(deleted) = query.is_deleted {
            q.push(" AND m.is_deleted = ").push_bind(deleted);
        }
        if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
            q.push(" AND m.text ILIKE ").push_bind(contains(search));
        }
    };
    from_where(&mut rows);
    rows.push(order).push(" LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_page(conn, rows, from_where, page).await?)
}

/// Deletes a live message or restores a deleted one; returns whether it is deleted now. The
/// room gets its frame after the commit.
pub async fn toggle_delete(pool: &PgPool, feed: &dyn Feed, operator: Operator, id: i64) -> DomainResult<bool> {
    let mut tx = pool.begin().await?;
    let (before, after, event) = chat::toggle_deleted(&mut tx, id).await?;
    let change = Change {
        action: "message.toggle_delete",
        entity: "message",
        entity_id: id.to_string(),
        before: Some(json!({ "is_deleted": before.is_deleted, "text": before.text })),
        after: Some(json!({ "is_deleted": after.is_deleted })),
    };
    audit::record(&mut tx, operator, change).await?;
    tx.commit().await?;
    feed.publish(after.procurement_id, &event).await;
    Ok(after.is_deleted)
}
