//! Notifications: a row per person per event, written once however often the job that writes
//! it runs. Delivery channels (WebSocket, Telegram, VK) read these rows in their own issues.

mod delivery;
mod inbox;
mod messenger;
mod send_log;
mod templates;

pub use delivery::{Courier, Delivery, channel, deliver};
pub use inbox::{Badges, NewNotification, Notification, list, mark_all_read, mark_read, send, unread_count};
pub use messenger::{NoMessenger, deliver_to_messenger, set_messenger_notifications};
pub(crate) use send_log::{Claim, SendLog};
pub use templates::{Lang, render};

use crate::error::{DomainError, DomainResult};
use crate::queue::Job;
use sqlx::PgConnection;
use std::collections::HashMap;

/// What a notification is about, as stored (`notifications.notification_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationType {
    NewMessage,
    ProcurementUpdate,
    PaymentRequired,
    PaymentReceived,
    ProcurementCompleted,
    System,
}

crate::transition::named_enum!(NotificationType, "notification_type" {
    NewMessage => "new_message",
    ProcurementUpdate => "procurement_update",
    PaymentRequired => "payment_required",
    PaymentReceived => "payment_received",
    ProcurementCompleted => "procurement_completed",
    System => "system",
});

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
    Ok(notify_all(conn, std::slice::from_ref(&notice)).await? == 1)
}

/// [`notify`] for many notices with a fixed number of statements; returns how many were new.
pub async fn notify_all(conn: &mut PgConnection, notices: &[Notice<'_>]) -> DomainResult<usize> {
    let mut users: Vec<i64> = notices.iter().map(|n| n.user_id).collect();
    users.sort_unstable();
    users.dedup();
    let languages: HashMap<i64, String> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, language_code FROM users WHERE id = ANY($1)")
            .bind(&users)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let (mut titles, mut messages) = (Vec::with_capacity(notices.len()), Vec::with_capacity(notices.len()));
    for notice in notices {
        let language = languages.get(&notice.user_id).ok_or_else(|| DomainError::not_found("user", notice.user_id))?;
        let (title, message) = render(Lang::from_code(language), notice.template, &notice.data)
            .map_err(|e| DomainError::invalid("template", format!("{}: {e}", notice.template)))?;
        titles.push(title.chars().take(200).collect::<String>());
        messages.push(message);
    }
    let inserted: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, notification_type, title, message, procurement_id, dedupe_key)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(notices.iter().map(|n| n.user_id).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| crate::StateName::as_str(n.kind)).collect::<Vec<_>>())
    .bind(&titles)
    .bind(&messages)
    .bind(notices.iter().map(|n| n.procurement_id).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.dedupe_key.as_str()).collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    let deliveries: Vec<Job> =
        inserted.iter().map(|&notification_id| Job::DeliverNotification { notification_id }).collect();
    crate::outbox::enqueue_all(conn, &deliveries).await?;
    Ok(inserted.len())
}
