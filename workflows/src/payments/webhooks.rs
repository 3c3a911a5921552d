//! Tochka's notifications, once verified by the adapter: recorded once each and turned into a
//! re-query of the bank (a notification is a nudge, never the truth about money).

use crate::error::DomainResult;
use crate::outbox;
use crate::queue::Job;
use serde_json::Value;
use sqlx::PgPool;

/// A notification recorded: its id (the bank's own, or the token's SHA-256 when it names
/// none) and whether it had come before.
pub struct Recorded {
    pub id: String,
    pub duplicate: bool,
}

/// Records a verified notification and, the first time, queues a reconciliation for it.
pub async fn record_webhook(
    pool: &PgPool,
    token: &str,
    bank_id: Option<String>,
    webhook_type: &str,
    claims: &Value,
) -> DomainResult<Recorded> {
    let mut tx = pool.begin().await?;
    let id = match bank_id {
        Some(id) => id,
        None => {
            sqlx::query_scalar("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')")
                .bind(token)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let inserted = sqlx::query(
        "INSERT INTO bank_webhooks (id, webhook_type, payload) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&id)
    .bind(webhook_type)
    .bind(claims)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        outbox::enqueue(&mut tx, &Job::ReconcileBank { trigger: format!("webhook:{id}") }, None).await?;
    }
    tx.commit().await?;
    Ok(Recorded { id, duplicate: !inserted })
}
