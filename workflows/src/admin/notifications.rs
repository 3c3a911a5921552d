//! Notifications for staff: everyone's, filtered; and bulk notifications, written by a durable
//! job through the notification path every other notification takes (rendered, stored once per
//! key, delivered live and to messengers by its own jobs).

use super::list::order_by;
use crate::error::{DomainError, DomainResult};
use crate::notify::{self, Notice, Notification, NotificationType};
use crate::page::{Page, PageRequest, fetch_page};
use crate::queue::Job;
use crate::staff::Operator;
use crate::staff::audit::{self, Change};
use serde_json::json;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

#[derive(Debug, Clone, Default)]
pub struct NotificationQuery {
    pub user_id: Option<i64>,
    pub notification_type: Option<NotificationType>,
    pub is_read: Option<bool>,
}

pub const ORDERINGS: &[(&str, &str)] = &[("created_at", "n.created_at"), ("id", "n.id")];

pub async fn list(
    conn: &mut PgConnection,
    query: &NotificationQuery,
    ordering: Option<&str>,
    page: PageRequest,
) -> DomainResult<Page<Notification>> {
    let order = order_by(ordering, ORDERINGS, "-created_at")?;
    let mut rows = QueryBuilder::new(
        "SELECT n.id, n.user_id, n.notification_type, n.title, n.message, n.procurement_id,
                (SELECT p.title FROM procurements p WHERE p.id = n.procurement_id) AS procurement_title,
                n.is_read, n.created_at",
    );
    let from_where = |q: &mut QueryBuilder<Postgres>| {
        q.push(" FROM notifications n WHERE TRUE");
        if let Some(user) = query.user_id {
            q.push(" AND n.user_id = ").push_bind(user);
        }
        if let Some(kind) = query.notification_type {
            q.push(" AND n.notification_type = ").push_bind(crate::StateName::as_str(kind));
        }
        if let Some(read) = query.is_read {
            q.push(" AND n.is_read = ").push_bind(read);
        }
    };
    from_where(&mut rows);
    rows.push(order).push(" LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_page(conn, rows, from_where, page).await?)
}

/// A bulk notification to send: to `user_ids` (those that exist), or to every active person
/// (staff accounts are not people of the platform and are left out).
#[derive(Debug, Clone)]
pub struct NewBulk {
    pub user_ids: Option<Vec<i64>>,
    pub notification_type: NotificationType,
    pub title: String,
    pub message: String,
}

/// What staff are told: how many people it goes to, and the job that writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkQueued {
    pub bulk_id: i64,
    pub sent: i64,
    pub task_id: String,
}

/// Longest title, in characters (the notifications' column).
const MAX_TITLE: usize = 200;
const MAX_MESSAGE: usize = 4000;

/// Records the bulk notification with its recipients and queues its job (outbox), with the
/// audit row, in one transaction. Blank title or message: 400.
pub async fn send_bulk(pool: &PgPool, operator: Operator, new: NewBulk) -> DomainResult<BulkQueued> {
    let title = new.title.trim();
    let message = new.message.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        return Err(DomainError::invalid("title", format!("1 to {MAX_TITLE} characters")));
    }
    if message.is_empty() || message.chars().count() > MAX_MESSAGE {
        return Err(DomainError::invalid("message", format!("1 to {MAX_MESSAGE} characters")));
    }
    let mut tx = pool.begin().await?;
    let recipients: Vec<i64> = match &new.user_ids {
        Some(ids) => {
            sqlx::query_scalar("SELECT id FROM users WHERE id = ANY($1) ORDER BY id")
                .bind(ids)
                .fetch_all(&mut *tx)
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM users WHERE is_active AND NOT is_staff ORDER BY id")
                .fetch_all(&mut *tx)
                .await?
        }
    };
    let kind = crate::StateName::as_str(new.notification_type);
    let bulk_id: i64 = sqlx::query_scalar(
        "INSERT INTO bulk_notifications (staff_id, notification_type, title, message, recipients)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(operator.staff_id())
    .bind(kind)
    .bind(title)
    .bind(message)
    .bind(&recipients)
    .fetch_one(&mut *tx)
    .await?;
    let job = Job::SendBulkNotification { bulk_id };
    crate::outbox::enqueue(&mut tx, &job, None).await?;
    let sent = recipients.len() as i64;
    let change = Change {
        action: "notification.send_bulk",
        entity: "bulk_notification",
        entity_id: bulk_id.to_string(),
        before: None,
        after: Some(json!({ "notification_type": kind, "title": title, "message": message,
                            "user_ids": new.user_ids, "sent": sent })),
    };
    audit::record(&mut tx, operator, change).await?;
    tx.commit().await?;
    Ok(BulkQueued { bulk_id, sent, task_id: job.task_id() })
}

/// Recipients written per transaction.
const BATCH: usize = 1000;

/// The job: writes the bulk notification's rows in batches. Each row's key is
/// `bulk:{id}:{user}`, so a second run (or one cut short and run again) writes only what is
/// missing; the notification path queues each new row's delivery.
pub async fn write_bulk(pool: &PgPool, bulk_id: i64) -> DomainResult<()> {
    let row: Option<(String, String, String, Vec<i64>)> =
        sqlx::query_as("SELECT notification_type, title, message, recipients FROM bulk_notifications WHERE id = $1")
            .bind(bulk_id)
            .fetch_optional(pool)
            .await?;
    let Some((kind, title, message, recipients)) = row else {
        return Err(DomainError::not_found("bulk notification", bulk_id));
    };
    let kind = <NotificationType as crate::StateName>::parse(&kind)
        .ok_or_else(|| DomainError::invalid("notification_type", kind.clone()))?;
    let data = json!({ "title": title, "message": message });
    for batch in recipients.chunks(BATCH) {
        let mut tx = pool.begin().await?;
        // people removed since it was sent get nothing
        let still: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE id = ANY($1)").bind(batch).fetch_all(&mut *tx).await?;
        let notices: Vec<Notice<'_>> = still
            .iter()
            .map(|&user_id| Notice {
                user_id,
                kind,
                template: "staff_message",
                data: data.clone(),
                procurement_id: None,
                dedupe_key: format!("bulk:{bulk_id}:{user_id}"),
            })
            .collect();
        notify::notify_all(&mut tx, &notices).await?;
        tx.commit().await?;
    }
    sqlx::query("UPDATE bulk_notifications SET written_at = COALESCE(written_at, now()) WHERE id = $1")
        .bind(bulk_id)
        .execute(pool)
        .await?;
    Ok(())
}
