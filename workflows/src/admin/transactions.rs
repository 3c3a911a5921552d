//! Every movement on people's balances for staff (one ledger entry each, as the public list
//! shows them), with filters and orderings.

use super::list::{Window, order_by};
use crate::error::DomainResult;
use crate::ledger::{TransactionType, UserTransaction};
use crate::page::{Page, PageRequest, fetch_page};
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// A movement with its person's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffTransaction {
    #[sqlx(flatten)]
    pub transaction: UserTransaction,
    pub user_name: String,
}

#[derive(Debug, Clone, Default)]
pub struct TransactionQuery {
    pub transaction_type: Option<TransactionType>,
    pub user_id: Option<i64>,
    pub procurement_id: Option<i64>,
    /// On the entry's `created_at`.
    pub window: Window,
}

pub const ORDERINGS: &[(&str, &str)] = &[("created_at", "e.created_at"), ("amount", "e.amount"), ("id", "e.id")];

pub async fn list(
    conn: &mut PgConnection,
    query: &TransactionQuery,
    ordering: Option<&str>,
    page: PageRequest,
) -> DomainResult<Page<StaffTransaction>> {
    let order = order_by(ordering, ORDERINGS, "-created_at")?;
    // The names come per row of the page, so the count reads the entries alone.
    let mut rows = QueryBuilder::new(
        "SELECT e.id, a.user_id, t.transaction_type, e.amount, e.balance_after, t.payment_id,
                t.procurement_id, (SELECT p.title FROM procurements p WHERE p.id = t.procurement_id) AS procurement_title,
                t.description, e.created_at,
                (SELECT COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.username, '')
                 FROM users u WHERE u.id = a.user_id) AS user_name",
    );
    let from_where = |q: &mut QueryBuilder<Postgres>| {
        q.push(
            " FROM ledger_entries e
              JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'user_balance'
              JOIN ledger_transactions t ON t.id = e.transaction_id
              WHERE TRUE",
        );
        if let Some(kind) = query.transaction_type {
            q.push(" AND t.transaction_type = ").push_bind(kind);
        }
        if let Some(user) = query.user_id {
            q.push(" AND a.user_id = ").push_bind(user);
        }
        if let Some(procurement) = query.procurement_id {
            q.push(" AND t.procurement_id = ").push_bind(procurement);
        }
        query.window.push(q, "e.created_at");
    };
    from_where(&mut rows);
    rows.push(order).push(" LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_page(conn, rows, from_where, page).await?)
}
