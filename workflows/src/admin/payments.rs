//! Every payment for staff: filters, search, orderings, and totals by status and by type.

use super::list::{Window, contains, order_by};
use crate::error::DomainResult;
use crate::money::Money;
use crate::page::{Page, PageRequest, fetch_page};
use crate::payments::Payment;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::collections::BTreeMap;

/// A payment with its person's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffPayment {
    #[sqlx(flatten)]
    pub payment: Payment,
    pub user_name: String,
}

/// Which payments: each field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct PaymentQuery {
    /// One of the stored statuses (the API checks the name).
    pub status: Option<String>,
    pub payment_type: Option<String>,
    pub user_id: Option<i64>,
    /// On `created_at`.
    pub window: Window,
    /// In the bank's id, the description or the person's first name.
    pub search: Option<String>,
}

/// The orderings staff may ask for.
pub const ORDERINGS: &[(&str, &str)] = &[
    ("created_at", "p.created_at"),
    ("paid_at", "p.paid_at"),
    ("amount", "p.amount"),
    ("status", "p.status"),
    ("id", "p.id"),
];

const FROM: &str = " FROM payments p JOIN users u ON u.id = p.user_id WHERE TRUE";

fn filtered(q: &mut QueryBuilder<Postgres>, query: &PaymentQuery) {
    if let Some(status) = &query.status {
        q.push(" AND p.status = ").push_bind(status.clone());
    }
    if let Some(kind) = &query.payment_type {
        q.push(" AND p.payment_type = ").push_bind(kind.clone());
    }
    if let Some(user) = query.user_id {
        q.push(" AND p.user_id = ").push_bind(user);
    }
    query.window.push(q, "p.created_at");
    if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = contains(search);
        q.push(" AND (p.external_id ILIKE ").push_bind(pattern.clone());
        q.push(" OR p.description ILIKE ").push_bind(pattern.clone());
        q.push(" OR u.first_name ILIKE ").push_bind(pattern).push(")");
    }
}

pub async fn list(
    conn: &mut PgConnection,
    query: &PaymentQuery,
    ordering: Option<&str>,
    page: PageRequest,
) -> DomainResult<Page<StaffPayment>> {
    let order = order_by(ordering, ORDERINGS, "-created_at")?;
    let mut rows = QueryBuilder::new(
        "SELECT p.id, p.user_id, p.payment_type, p.amount, p.status, p.external_id, p.order_id, p.provider,
                p.confirmation_url, p.procurement_id, p.description, p.paid_at, p.created_at,
                COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.username, '') AS user_name",
    );
    let from_where = |q: &mut QueryBuilder<Postgres>| {
        q.push(FROM);
        filtered(q, query);
    };
    from_where(&mut rows);
    rows.push(order).push(" LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_page(conn, rows, from_where, page).await?)
}

/// How many and how much.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub total: Money,
}

/// The payments a query selects, counted and summed, overall and per status and type.
#[derive(Debug, Clone, Default)]
pub struct PaymentSummary {
    pub total: Tally,
    pub by_status: BTreeMap<String, Tally>,
    pub by_type: BTreeMap<String, Tally>,
}

pub async fn summary(conn: &mut PgConnection, query: &PaymentQuery) -> DomainResult<PaymentSummary> {
    let mut q = QueryBuilder::new("SELECT p.status, p.payment_type, count(*), COALESCE(sum(p.amount), 0)");
    q.push(FROM);
    filtered(&mut q, query);
    q.push(" GROUP BY p.status, p.payment_type");
    let rows: Vec<(String, String, i64, Money)> = q.build_query_as().fetch_all(&mut *conn).await?;
    let mut out = PaymentSummary::default();
    for (status, kind, count, total) in rows {
        for tally in [&mut out.total, out.by_status.entry(status).or_default(), out.by_type.entry(kind).or_default()] {
            tally.count += count;
            tally.total = tally.total.checked_add(total).unwrap_or(tally.total);
        }
    }
    Ok(out)
}
