//! Notifications in the messenger: each notification also goes to every messenger its person
//! linked (Telegram, VK), once, unless they switched that off.
//!
//! The notification's delivery job writes one `messenger_deliveries` row and one job per
//! (notification, platform) in a single transaction; each job sends through the
//! [`Messenger`] port and records before and after the send (see [`SendLog`]), which
//! broadcasts' targets share.

use super::Delivery;
use super::send_log::{Claim, SendLog};
use crate::error::DomainResult;
use crate::messenger::{Messenger, Outbound, Platform, SendError, Sent};
use crate::outbox;
use crate::queue::{Job, JobError};
use sqlx::{PgConnection, PgPool};

/// The messenger of a process where no bot is configured: it serves no platform, so nothing is
/// queued for one and nothing is ever sent.
pub struct NoMessenger;

#[async_trait::async_trait]
impl Messenger for NoMessenger {
    fn serves(&self, _: Platform) -> bool {
        false
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, SendError> {
        Err(SendError::Unavailable(format!("no {} bot is configured", message.platform.as_str())))
    }
}

/// Switches a person's notifications in the messenger on or off (the web still gets them).
pub async fn set_messenger_notifications(pool: &PgPool, user_id: i64, on: bool) -> DomainResult<()> {
    let patch = crate::users::UserPatch { messenger_notifications: Some(on), ..Default::default() };
    crate::users::update(&mut *pool.acquire().await?, user_id, patch).await?;
    Ok(())
}

/// Inside the notification's delivery transaction: a row and a job for each messenger the person
/// linked that this process's messenger serves, unless they switched messenger notifications
/// off. Writing them twice is a no-op (one row per notification and platform).
pub(crate) async fn queue(conn: &mut PgConnection, messenger: &dyn Messenger, delivery: &Delivery) -> sqlx::Result<()> {
    let served: Vec<&str> = Platform::ALL.into_iter().filter(|p| messenger.serves(*p)).map(Platform::as_str).collect();
    if served.is_empty() {
        return Ok(());
    }
    let platforms: Vec<String> = sqlx::query_scalar(
        "INSERT INTO messenger_deliveries (notification_id, platform, chat_id)
         SELECT $1, i.platform, i.platform_user_id
         FROM user_identities i JOIN users u ON u.id = i.user_id
         WHERE i.user_id = $2 AND i.platform = ANY($3) AND u.is_active AND u.messenger_notifications
         ON CONFLICT ON CONSTRAINT messenger_deliveries_once DO NOTHING
         RETURNING platform",
    )
    .bind(delivery.id)
    .bind(delivery.user_id)
    .bind(&served)
    .fetch_all(&mut *conn)
    .await?;
    let jobs: Vec<Job> = platforms
        .iter()
        .filter_map(|name| Platform::parse(name))
        .map(|platform| Job::MessengerNotification { notification_id: delivery.id, platform })
        .collect();
    outbox::enqueue_all(conn, &jobs).await
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    chat_id: String,
    title: String,
    message: String,
    switched_on: bool,
}

/// The job: sends one notification to one of its person's messengers, at most once.
pub async fn deliver_to_messenger(
    pool: &PgPool,
    messenger: &dyn Messenger,
    job: &Job,
    notification_id: i64,
    platform: Platform,
) -> Result<(), JobError> {
    let row: Option<Pending> = sqlx::query_as(
        "SELECT d.id, d.chat_id, n.title, n.message, u.messenger_notifications AS switched_on
         FROM messenger_deliveries d
         JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = n.user_id
         WHERE d.notification_id = $1 AND d.platform = $2",
    )
    .bind(notification_id)
    .bind(platform.as_str())
    .fetch_optional(pool)
    .await?;
    // Deleted with its notification: nothing to send.
    let Some(row) = row else { return Ok(()) };
    if !row.switched_on {
        return Ok(DELIVERIES.give_up(pool, row.id, "the person switched messenger notifications off").await?);
    }
    if !messenger.serves(platform) {
        return Ok(DELIVERIES.give_up(pool, row.id, &format!("no {} bot is configured", platform.as_str())).await?);
    }
    let Claim::Send { attempts } = DELIVERIES.claim(pool, row.id, job).await? else { return Ok(()) };
    let outbound = Outbound {
        platform,
        chat_id: row.chat_id,
        text: format!("{}\n\n{}", row.title, row.message),
        key: format!("notification:{notification_id}:{}", platform.as_str()),
    };
    let result = messenger.send(&outbound).await;
    DELIVERIES.record(pool, row.id, job, attempts, result).await
}

const DELIVERIES: SendLog = SendLog { table: "messenger_deliveries", live: "TRUE" };
