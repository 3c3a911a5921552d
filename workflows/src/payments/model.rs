//! Payments as stored: deposits, withdrawals and procurement payments.

use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use crate::page::{Page, PageRequest, fetch_counted};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, QueryBuilder};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub user_id: i64,
    pub payment_type: String,
    pub amount: Money,
    pub status: String,
    pub external_id: Option<String>,
    pub order_id: String,
    pub provider: String,
    pub confirmation_url: String,
    pub procurement_id: Option<i64>,
    pub description: String,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, user_id, payment_type, amount, status, external_id, order_id, provider, confirmation_url,
         procurement_id, description, paid_at, created_at"
    };
}

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<Payment> {
    sqlx::query_as(concat!("SELECT ", columns!(), " FROM payments WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("payment", id))
}

#[derive(Debug, Default, Clone)]
pub struct PaymentFilter {
    pub user_id: Option<i64>,
    pub payment_type: Option<String>,
    pub status: Option<String>,
}

/// Newest first, a page at a time.
pub async fn list(conn: &mut PgConnection, filter: &PaymentFilter, page: PageRequest) -> DomainResult<Page<Payment>> {
    let mut q =
        QueryBuilder::new(concat!("SELECT ", columns!(), ", count(*) OVER () AS total FROM payments WHERE true"));
    if let Some(user_id) = filter.user_id {
        q.push(" AND user_id = ").push_bind(user_id);
    }
    if let Some(kind) = &filter.payment_type {
        q.push(" AND payment_type = ").push_bind(kind.clone());
    }
    if let Some(status) = &filter.status {
        q.push(" AND status = ").push_bind(status.clone());
    }
    q.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(page.limit())
        .push(" OFFSET ")
        .push_bind(page.offset());
    Ok(fetch_counted(q, conn, page).await?)
}
