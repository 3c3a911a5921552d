//! Delivery: a job per notification hands the stored row to the person's live channels through
//! the [`Courier`] port, then records when and where it went. The row stays the truth, so a
//! person who was offline still finds it in their list; a delivery run twice sends at most a
//! duplicate push, never a second row.

use crate::DomainError;
use crate::messenger::Messenger;
use serde::Serialize;
use sqlx::PgPool;

/// What a channel needs to show a notification.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub user_id: i64,
    pub notification_type: String,
    pub title: String,
    pub message: String,
    pub procurement_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The port through which notifications leave the platform (today a Redis channel per person
/// that WebSocket sessions and bot workers subscribe to).
#[async_trait::async_trait]
pub trait Courier: Send + Sync {
    /// Hands `delivery` over; returns the names of the channels that took it.
    async fn deliver(&self, delivery: &Delivery) -> Result<Vec<String>, String>;
}

/// The person's Redis channel, which the courier publishes on and their sockets listen to.
pub fn channel(namespace: &str, user_id: i64) -> String {
    format!("{namespace}:notify:{user_id}")
}

/// Hands the notification to the live channels, then (in one transaction with the record that
/// it went) queues its copies to the person's messengers.
pub async fn deliver(
    pool: &PgPool,
    courier: &dyn Courier,
    messenger: &dyn Messenger,
    notification_id: i64,
) -> Result<(), DomainError> {
    let delivery: Option<Delivery> = sqlx::query_as(
        "SELECT id, user_id, notification_type, title, message, procurement_id, created_at
         FROM notifications WHERE id = $1 AND delivered_at IS NULL",
    )
    .bind(notification_id)
    .fetch_optional(pool)
    .await?;
    // Already delivered, or deleted with its user: nothing to do.
    let Some(delivery) = delivery else { return Ok(()) };
    let channels = courier.deliver(&delivery).await.map_err(DomainError::unavailable)?;
    let mut tx = pool.begin().await?;
    let marked = sqlx::query(
        "UPDATE notifications SET delivered_at = now(), channels = $2 WHERE id = $1 AND delivered_at IS NULL",
    )
    .bind(notification_id)
    .bind(channels.join(","))
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() > 0 {
        super::messenger::queue(&mut tx, messenger, &delivery).await?;
    }
    tx.commit().await?;
    Ok(())
}
