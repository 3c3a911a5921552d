//! Notifications: a row per person per event, written once however often the job that writes
//! it runs. Delivery channels (WebSocket, Telegram, VK) read these rows in their own issues.

mod delivery;
mod templates;

pub use delivery::{Courier, Delivery, deliver};
pub use templates::{Lang, render};

use crate::error::{DomainError, DomainResult};
use sqlx::PgConnection;

/// What a notification is about, as stored (`notifications.notification_type`).
#[derive(Debug, Clone, Copy)]
pub enum NotificationType {
    ProcurementUpdate,
    PaymentRequired,
    PaymentReceived,
    ProcurementCompleted,
}

impl NotificationType {
    fn as_str(self) -> &'static str {
        match self {
            Self::ProcurementUpdate => "procurement_update",
            Self::PaymentRequired => "payment_required",
            Self::PaymentReceived => "payment_received",
            Self::ProcurementCompleted => "procurement_completed",
        }
    }
}

/// One notification to write.
pub struct Notice<'a> {
    pub user_id: i64,
    pub kind: NotificationType,
    /// The template in the catalogue.
    pub template: &'a str,
    pub data: serde_json::Value,
    pub procurement_id: Option<i64>,
    /// Unique per (event, person): a second write is a no-op.
    pub dedupe_key: String,
}

/// Renders `notice` in the user's language, stores it and queues its delivery, all in the
/// caller's transaction; returns whether it was new.
pub async fn notify(conn: &mut PgConnection, notice: Notice<'_>) -> DomainResult<bool> {
    let language: Option<String> = sqlx::query_scalar("SELECT language_code FROM users WHERE id = $1")
        .bind(notice.user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let language = language.ok_or_else(|| DomainError::not_found("user", notice.user_id))?;
    let (title, message) = render(Lang::from_code(&language), notice.template, &notice.data)
        .map_err(|e| DomainError::invalid("template", format!("{}: {e}", notice.template)))?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, notification_type, title, message, procurement_id, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(notice.user_id)
    .bind(notice.kind.as_str())
    .bind(title.chars().take(200).collect::<String>())
    .bind(message)
    .bind(notice.procurement_id)
    .bind(&notice.dedupe_key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(notification_id) = inserted else { return Ok(false) };
    crate::outbox::enqueue(conn, &crate::jobs::Job::DeliverNotification { notification_id }, None).await?;
    Ok(true)
}
