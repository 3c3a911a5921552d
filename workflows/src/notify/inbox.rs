//! A person's notifications as they read them: their list, read marks and the unread badge,
//! and notifications staff and services send by hand. User tokens reach only their own rows.

use super::{Delivery, NotificationType};
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use crate::jobs::Job;
use crate::page::{Page, PageRequest, fetch_counted};
use sqlx::{PgConnection, PgPool, QueryBuilder};

/// A notification as its person reads it: what was delivered, plus its state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    #[sqlx(flatten)]
    pub delivery: Delivery,
    pub procurement_title: Option<String>,
    pub is_read: bool,
}

const SELECT: &str = "SELECT n.id, n.user_id, n.notification_type, n.title, n.message, n.procurement_id,
        p.title AS procurement_title, n.is_read, n.created_at
    FROM notifications n LEFT JOIN procurements p ON p.id = n.procurement_id";

/// Newest first; `user_id` `None` (service clients only) lists everyone's.
pub async fn list(
    pool: &PgPool,
    user_id: Option<i64>,
    unread_only: bool,
    page: PageRequest,
) -> DomainResult<Page<Notification>> {
    let mut query = QueryBuilder::new(format!("SELECT *, count(*) OVER () AS total FROM ({SELECT} WHERE TRUE"));
    if let Some(user_id) = user_id {
        query.push(" AND n.user_id = ").push_bind(user_id);
    }
    if unread_only {
        query.push(" AND NOT n.is_read");
    }
    query.push(") rows ORDER BY created_at DESC, id DESC LIMIT ").push_bind(page.limit());
    query.push(" OFFSET ").push_bind(page.offset());
    let mut conn = pool.acquire().await?;
    Ok(fetch_counted(query, &mut conn, page).await?)
}

async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<Notification> {
    sqlx::query_as(crate::sql!("{SELECT} WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("notification", id))
}

/// Tells a person's open notification sockets that their unread count changed.
#[async_trait::async_trait]
pub trait Badges: Send + Sync {
    async fn changed(&self, user_id: i64);
}

/// Marks one of the actor's notifications read and returns it.
pub async fn mark_read(pool: &PgPool, badges: &dyn Badges, actor: Actor, id: i64) -> DomainResult<Notification> {
    let mut conn = pool.acquire().await?;
    let notification = get(&mut conn, id).await?;
    if !actor.may_act_for(notification.delivery.user_id) {
        return Err(DomainError::forbidden("you may mark only your own notifications"));
    }
    let marked = sqlx::query("UPDATE notifications SET is_read = TRUE WHERE id = $1 AND NOT is_read")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if marked.rows_affected() > 0 {
        badges.changed(notification.delivery.user_id).await;
    }
    get(&mut conn, id).await
}

/// Marks all of a person's notifications read; returns how many were unread.
pub async fn mark_all_read(pool: &PgPool, badges: &dyn Badges, actor: Actor, user_id: i64) -> DomainResult<u64> {
    if !actor.may_act_for(user_id) {
        return Err(DomainError::forbidden(format!("you may mark only your own notifications, not user {user_id}'s")));
    }
    let done = sqlx::query("UPDATE notifications SET is_read = TRUE WHERE user_id = $1 AND NOT is_read")
        .bind(user_id)
        .execute(pool)
        .await?;
    if done.rows_affected() > 0 {
        badges.changed(user_id).await;
    }
    Ok(done.rows_affected())
}

/// The unread badge: always counted from the rows, so concurrent marks cannot skew it.
pub async fn unread_count(pool: &PgPool, user_id: i64) -> DomainResult<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read")
        .bind(user_id)
        .fetch_one(pool)
        .await?)
}

pub struct NewNotification {
    pub user_id: i64,
    pub notification_type: NotificationType,
    pub title: String,
    pub message: String,
    pub procurement_id: Option<i64>,
}

/// A notification written by hand (service clients and staff), delivered like any other.
pub async fn send(pool: &PgPool, actor: Actor, new: NewNotification) -> DomainResult<Notification> {
    if actor != Actor::System {
        return Err(DomainError::forbidden("notifications are sent by service clients and staff only"));
    }
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(DomainError::invalid("title", "1 to 200 characters"));
    }
    if new.message.trim().is_empty() {
        return Err(DomainError::invalid("message", "must not be blank"));
    }
    let mut tx = pool.begin().await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
        .bind(new.user_id)
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        return Err(DomainError::not_found("user", new.user_id));
    }
    if let Some(procurement) = new.procurement_id {
        crate::procurement::get(&mut tx, procurement).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, notification_type, title, message, procurement_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.user_id)
    .bind(crate::StateName::as_str(new.notification_type))
    .bind(title)
    .bind(new.message.trim())
    .bind(new.procurement_id)
    .fetch_one(&mut *tx)
    .await?;
    crate::outbox::enqueue_all(&mut tx, &[Job::DeliverNotification { notification_id: id }]).await?;
    let notification = get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(notification)
}
