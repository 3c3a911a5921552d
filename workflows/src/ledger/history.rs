//! What a user sees of the ledger: their balance, its movements and totals.

use super::TransactionType;
use crate::money::Money;
use crate::page::{Page, PageRequest, fetch_counted};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, QueryBuilder};

/// A movement on a user's balance (one ledger entry), shaped like the original `Transaction`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserTransaction {
    pub id: i64,
    pub user_id: i64,
    pub transaction_type: TransactionType,
    /// Signed: money out is negative.
    pub amount: Money,
    pub balance_after: Money,
    pub payment_id: Option<i64>,
    pub procurement_id: Option<i64>,
    pub procurement_title: Option<String>,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct TransactionFilter {
    pub user_id: Option<i64>,
    pub transaction_type: Option<TransactionType>,
}

pub async fn transactions_of(
    conn: &mut PgConnection,
    filter: &TransactionFilter,
    page: PageRequest,
) -> sqlx::Result<Page<UserTransaction>> {
    let mut q = QueryBuilder::new(
        "SELECT e.id, a.user_id, t.transaction_type, e.amount, e.balance_after, t.payment_id,
                t.procurement_id, p.title AS procurement_title, t.description, e.created_at,
                count(*) OVER () AS total
         FROM ledger_entries e
         JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'user_balance'
         JOIN ledger_transactions t ON t.id = e.transaction_id
         LEFT JOIN procurements p ON p.id = t.procurement_id
         WHERE TRUE",
    );
    if let Some(user_id) = filter.user_id {
        q.push(" AND a.user_id = ").push_bind(user_id);
    }
    if let Some(kind) = filter.transaction_type {
        q.push(" AND t.transaction_type = ").push_bind(kind);
    }
    q.push(" ORDER BY e.id DESC LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    fetch_counted(q, conn, page).await
}

/// A user's balance with lifetime totals by kind of movement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BalanceSummary {
    pub balance: Money,
    /// Money on its way out (withdrawals being paid): not spendable.
    pub held: Money,
    pub total_deposited: Money,
    /// Withdrawals and procurement payments.
    pub total_spent: Money,
    pub total_refunded: Money,
    pub transaction_count: i64,
}

impl BalanceSummary {
    /// `balance` is already net of holds (a hold moves money out of the balance account).
    pub fn available(&self) -> Money {
        self.balance
    }
}

pub async fn balance_of(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<Money> {
    let balance: Option<Money> =
        sqlx::query_scalar("SELECT balance FROM ledger_accounts WHERE kind = 'user_balance' AND user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(balance.unwrap_or_default())
}

pub async fn summary_of(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<BalanceSummary> {
    let row: (Option<Money>, Option<Money>, Money, Money, Money, i64) = sqlx::query_as(
        "SELECT
            (SELECT balance FROM ledger_accounts WHERE kind = 'user_balance' AND user_id = $1),
            (SELECT balance FROM ledger_accounts WHERE kind = 'user_hold' AND user_id = $1),
            COALESCE(abs(sum(e.amount) FILTER (WHERE t.transaction_type = 'deposit')), 0),
            COALESCE(abs(sum(e.amount) FILTER (WHERE t.transaction_type IN ('withdrawal', 'procurement_join'))), 0),
            COALESCE(abs(sum(e.amount) FILTER (WHERE t.transaction_type = 'procurement_refund')), 0),
            count(e.id)
         FROM ledger_accounts a
         LEFT JOIN ledger_entries e ON e.account_id = a.id
         LEFT JOIN ledger_transactions t ON t.id = e.transaction_id
         WHERE a.kind = 'user_balance' AND a.user_id = $1",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(BalanceSummary {
        balance: row.0.unwrap_or_default(),
        held: row.1.unwrap_or_default(),
        total_deposited: row.2,
        total_spent: row.3,
        total_refunded: row.4,
        transaction_count: row.5,
    })
}
