//! Posting a movement: balanced entries and updated balances, once per idempotency key.

use super::{Account, TransactionType};
use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use sqlx::PgConnection;

/// One side of a movement: a signed amount on an account.
#[derive(Debug, Clone, Copy)]
pub struct Leg {
    pub account: Account,
    pub amount: Money,
}

impl Leg {
    pub fn new(account: Account, amount: Money) -> Self {
        Self { account, amount }
    }
}

#[derive(Debug, Clone)]
pub struct Movement {
    /// Unique per business operation (`deposit:payment:42`); a retry reuses it.
    pub idempotency_key: String,
    pub kind: TransactionType,
    pub legs: Vec<Leg>,
    pub procurement_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub description: String,
}

impl Movement {
    /// Money from one account to another: the common two-leg case.
    pub fn transfer(
        idempotency_key: impl Into<String>,
        kind: TransactionType,
        from: Account,
        to: Account,
        amount: Money,
    ) -> Self {
        Self {
            idempotency_key: idempotency_key.into(),
            kind,
            legs: vec![Leg::new(from, -amount), Leg::new(to, amount)],
            procurement_id: None,
            payment_id: None,
            description: String::new(),
        }
    }

    pub fn with_procurement(mut self, procurement_id: i64) -> Self {
        self.procurement_id = Some(procurement_id);
        self
    }

    pub fn with_payment(mut self, payment_id: i64) -> Self {
        self.payment_id = Some(payment_id);
        self
    }

    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    fn validate(&self) -> DomainResult<()> {
        if self.legs.len() < 2 {
            return Err(DomainError::invalid("legs", "a movement needs at least two legs"));
        }
        if self.legs.iter().any(|l| !l.amount.is_positive() && !(-l.amount).is_positive()) {
            return Err(DomainError::invalid("amount", "every leg must move a non-zero amount"));
        }
        let total = self.legs.iter().map(|l| i128::from(l.amount.kopecks())).sum::<i128>();
        if total != 0 {
            return Err(DomainError::invalid("legs", format!("legs must balance, off by {total} kopecks")));
        }
        Ok(())
    }
}

/// The outcome of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// Money moved now; the ledger transaction id.
    New(i64),
    /// This key was posted before; nothing moved again.
    AlreadyPosted(i64),
}

impl Posted {
    pub fn transaction_id(self) -> i64 {
        match self {
            Self::New(id) | Self::AlreadyPosted(id) => id,
        }
    }
}

/// Posts `movement` atomically: in its own transaction, or as a savepoint inside the caller's,
/// so its entries commit together and the balance check at commit sees all of them. Refuses if
/// any account but the bank mirror would go below zero.
pub async fn post(conn: &mut PgConnection, movement: &Movement) -> DomainResult<Posted> {
    movement.validate()?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let posted = post_entries(&mut tx, movement).await?;
    tx.commit().await?;
    Ok(posted)
}

async fn post_entries(conn: &mut PgConnection, movement: &Movement) -> DomainResult<Posted> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO ledger_transactions (idempotency_key, transaction_type, procurement_id, payment_id, description)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT ledger_transactions_idempotency_key DO NOTHING
         RETURNING id",
    )
    .bind(&movement.idempotency_key)
    .bind(movement.kind)
    .bind(movement.procurement_id)
    .bind(movement.payment_id)
    .bind(&movement.description)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(transaction_id) = inserted else {
        let existing: i64 = sqlx::query_scalar("SELECT id FROM ledger_transactions WHERE idempotency_key = $1")
            .bind(&movement.idempotency_key)
            .fetch_one(&mut *conn)
            .await?;
        if !same_movement(conn, existing, movement).await? {
            return Err(DomainError::conflict(
                "idempotency_key_reused",
                "this idempotency key was already used for a different money movement",
            ));
        }
        return Ok(Posted::AlreadyPosted(existing));
    };

    // Lock accounts in one global order so two movements never wait on each other in a cycle.
    let mut legs = movement.legs.clone();
    legs.sort_by_key(|l| l.account);
    for leg in &legs {
        apply_leg(conn, transaction_id, leg).await.map_err(|e| match e {
            DomainError::InsufficientFunds { .. } => {
                DomainError::InsufficientFunds { message: format!("{:?} cannot pay {}", leg.account, -leg.amount) }
            }
            other => other,
        })?;
    }
    Ok(Posted::New(transaction_id))
}

/// Whether posted transaction `id` moved exactly `movement`'s legs (a retry), rather than
/// something else under the same key (a client bug that must not pass as a success).
async fn same_movement(conn: &mut PgConnection, id: i64, movement: &Movement) -> sqlx::Result<bool> {
    let mut posted: Vec<(String, i64, i64, i64)> = sqlx::query_as::<_, (String, Option<i64>, Option<i64>, Money)>(
        "SELECT a.kind, a.user_id, a.procurement_id, e.amount
         FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|(kind, user, procurement, amount)| (kind, user.unwrap_or(0), procurement.unwrap_or(0), amount.kopecks()))
    .collect();
    let mut asked: Vec<(String, i64, i64, i64)> = movement
        .legs
        .iter()
        .map(|l| {
            let a = l.account;
            (a.kind().to_string(), a.user_id().unwrap_or(0), a.procurement_id().unwrap_or(0), l.amount.kopecks())
        })
        .collect();
    posted.sort();
    asked.sort();
    Ok(posted == asked)
}

async fn apply_leg(conn: &mut PgConnection, transaction_id: i64, leg: &Leg) -> DomainResult<()> {
    let account = leg.account;
    for _ in 0..2 {
        let applied = sqlx::query(
            "WITH account AS (
                UPDATE ledger_accounts SET balance = balance + $4
                WHERE kind = $1 AND COALESCE(user_id, 0) = COALESCE($2, 0)
                  AND COALESCE(procurement_id, 0) = COALESCE($3, 0)
                RETURNING id, balance)
             INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after)
             SELECT $5, id, $4, balance FROM account",
        )
        .bind(account.kind())
        .bind(account.user_id())
        .bind(account.procurement_id())
        .bind(leg.amount)
        .bind(transaction_id)
        .execute(&mut *conn)
        .await?;
        if applied.rows_affected() == 1 {
            return Ok(());
        }
        // First movement on this account: open it, then apply again.
        sqlx::query(
            "INSERT INTO ledger_accounts (kind, user_id, procurement_id) VALUES ($1, $2, $3)
             ON CONFLICT ON CONSTRAINT ledger_accounts_owner_key DO NOTHING",
        )
        .bind(account.kind())
        .bind(account.user_id())
        .bind(account.procurement_id())
        .execute(&mut *conn)
        .await?;
    }
    Err(DomainError::Database(sqlx::Error::RowNotFound))
}
