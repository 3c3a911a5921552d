//! A recorded bank operation as its job reads it.

use crate::money::Money;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct Operation {
    pub key: String,
    pub kind: String,
    pub status: String,
    pub from_va: String,
    pub to_owner: Option<String>,
    pub to_va: Option<String>,
    pub amount: Money,
    pub recipient: Option<Value>,
    pub payment_id: Option<i64>,
    pub sending_at: Option<DateTime<Utc>>,
}

pub(super) async fn load(conn: &mut PgConnection, key: &str) -> sqlx::Result<Option<Operation>> {
    sqlx::query_as(
        "SELECT key, kind, status, from_va, to_owner, to_va, amount, recipient, payment_id, sending_at
         FROM bank_operations WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(conn)
    .await
}
