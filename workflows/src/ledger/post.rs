//! Posting a movement: balanced entries and updated balances, once per idempotency key.

use super::{Account, TransactionType};
use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use crate::transition::StateName;
use sqlx::PgConnection;
use std::collections::{BTreeMap, HashMap};

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
    let posted = post_all(conn, std::slice::from_ref(movement)).await?;
    Ok(posted[0])
}

/// Posts many movements at once, all or none, with a fixed number of statements whatever their
/// count (a reconciliation credits hundreds of deposits per transaction). Each movement keeps its
/// own key, entries and running `balance_after`s, exactly as if posted one after the other in
/// order; one that would overdraw an account refuses the whole batch.
pub async fn post_all(conn: &mut PgConnection, movements: &[Movement]) -> DomainResult<Vec<Posted>> {
    let mut keys = std::collections::HashSet::new();
    for movement in movements {
        movement.validate()?;
        if !keys.insert(movement.idempotency_key.as_str()) {
            return Err(DomainError::invalid("idempotency_key", "one batch names the same key twice"));
        }
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let posted = insert_transactions(&mut tx, movements).await?;
    let new: Vec<(i64, &Movement)> = posted
        .iter()
        .zip(movements)
        .filter_map(|(p, m)| match p {
            Posted::New(id) => Some((*id, m)),
            Posted::AlreadyPosted(_) => None,
        })
        .collect();
    if !new.is_empty() {
        insert_entries(&mut tx, &new).await?;
    }
    tx.commit().await?;
    Ok(posted)
}

/// One `ledger_transactions` row per movement, or the row a retry finds under its key.
async fn insert_transactions(conn: &mut PgConnection, movements: &[Movement]) -> DomainResult<Vec<Posted>> {
    let inserted: Vec<(String, i64)> = sqlx::query_as(
        "INSERT INTO ledger_transactions (idempotency_key, transaction_type, procurement_id, payment_id, description)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[])
         ON CONFLICT ON CONSTRAINT ledger_transactions_idempotency_key DO NOTHING
         RETURNING idempotency_key, id",
    )
    .bind(movements.iter().map(|m| m.idempotency_key.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|m| m.kind.as_str()).collect::<Vec<_>>())
    .bind(movements.iter().map(|m| m.procurement_id).collect::<Vec<_>>())
    .bind(movements.iter().map(|m| m.payment_id).collect::<Vec<_>>())
    .bind(movements.iter().map(|m| m.description.as_str()).collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    let inserted: HashMap<String, i64> = inserted.into_iter().collect();
    let mut posted = Vec::with_capacity(movements.len());
    for movement in movements {
        if let Some(id) = inserted.get(&movement.idempotency_key) {
            posted.push(Posted::New(*id));
            continue;
        }
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
        posted.push(Posted::AlreadyPosted(existing));
    }
    Ok(posted)
}

/// The entries of newly posted movements and the accounts' new balances.
async fn insert_entries(conn: &mut PgConnection, new: &[(i64, &Movement)]) -> DomainResult<()> {
    let mut deltas: BTreeMap<Account, i64> = BTreeMap::new();
    // What left each account (its debits, in kopecks): kept beside the balance as `debited`
    // so staff can order people by what they spent without summing the ledger.
    let mut debits: BTreeMap<Account, i64> = BTreeMap::new();
    for leg in new.iter().flat_map(|(_, m)| &m.legs) {
        *deltas.entry(leg.account).or_default() += leg.amount.kopecks();
        *debits.entry(leg.account).or_default() += (-leg.amount.kopecks()).max(0);
    }
    let accounts = apply_deltas(conn, &deltas, &debits).await?;
    // Replay the legs from each account's balance before this batch, for every entry's
    // `balance_after` and to refuse a batch that overdraws an account at any point.
    let mut running: HashMap<Account, i64> =
        accounts.iter().map(|(account, (_, balance))| (*account, balance - deltas[account])).collect();
    let (mut entry_tx, mut entry_account, mut entry_amount, mut entry_after) = (vec![], vec![], vec![], vec![]);
    for (transaction_id, movement) in new {
        for leg in &movement.legs {
            let balance = running.get_mut(&leg.account).expect("every leg's account is applied");
            *balance += leg.amount.kopecks();
            if leg.account != Account::BankClearing && *balance < 0 {
                return Err(DomainError::InsufficientFunds {
                    message: format!("{:?} cannot pay {}", leg.account, -leg.amount),
                });
            }
            entry_tx.push(*transaction_id);
            entry_account.push(accounts[&leg.account].0);
            entry_amount.push(leg.amount.kopecks());
            entry_after.push(*balance);
        }
    }
    sqlx::query(
        "INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after)
         SELECT t, a, k / 100.0, b / 100.0 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS e(t, a, k, b)",
    )
    .bind(&entry_tx)
    .bind(&entry_account)
    .bind(&entry_amount)
    .bind(&entry_after)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An account's owner (kind, user, procurement), id and balance, as the update returns them.
type AccountRow = (String, Option<i64>, Option<i64>, i64, Money);

/// Adds each account's delta (kopecks) to its balance and its debits to `debited`, opening
/// accounts used for the first time; their ids and new balances in kopecks. The upsert first locks (or creates) every row in
/// the accounts' global order (the map is sorted): two posts never wait on each other in a
/// cycle, whichever accounts either had to open.
async fn apply_deltas(
    conn: &mut PgConnection,
    deltas: &BTreeMap<Account, i64>,
    debits: &BTreeMap<Account, i64>,
) -> DomainResult<HashMap<Account, (i64, i64)>> {
    let accounts: Vec<Account> = deltas.keys().copied().collect();
    let kinds: Vec<&str> = accounts.iter().map(|a| a.kind()).collect();
    let users: Vec<Option<i64>> = accounts.iter().map(|a| a.user_id()).collect();
    let procurements: Vec<Option<i64>> = accounts.iter().map(|a| a.procurement_id()).collect();
    // `DO UPDATE … WHERE false` locks an existing row without writing a new version of it.
    sqlx::query(
        "INSERT INTO ledger_accounts AS a (kind, user_id, procurement_id)
         SELECT kind, user_id, procurement_id
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS d(kind, user_id, procurement_id, ord)
         ORDER BY ord
         ON CONFLICT ON CONSTRAINT ledger_accounts_owner_key DO UPDATE SET balance = a.balance WHERE false",
    )
    .bind(&kinds)
    .bind(&users)
    .bind(&procurements)
    .execute(&mut *conn)
    .await?;
    let rows: Vec<AccountRow> = sqlx::query_as(
        "UPDATE ledger_accounts a SET balance = a.balance + d.k / 100.0, debited = a.debited + d.debit / 100.0
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
              AS d(kind, user_id, procurement_id, k, debit)
         WHERE a.kind = d.kind AND COALESCE(a.user_id, 0) = COALESCE(d.user_id, 0)
           AND COALESCE(a.procurement_id, 0) = COALESCE(d.procurement_id, 0)
         RETURNING a.kind, a.user_id, a.procurement_id, a.id, a.balance",
    )
    .bind(&kinds)
    .bind(&users)
    .bind(&procurements)
    .bind(deltas.values().copied().collect::<Vec<_>>())
    .bind(accounts.iter().map(|a| debits.get(a).copied().unwrap_or(0)).collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    let by_owner: HashMap<(&str, Option<i64>, Option<i64>), Account> =
        accounts.iter().map(|a| ((a.kind(), a.user_id(), a.procurement_id()), *a)).collect();
    let mut applied = HashMap::with_capacity(rows.len());
    for (kind, user, procurement, id, balance) in rows {
        let account =
            by_owner.get(&(kind.as_str(), user, procurement)).ok_or(DomainError::Database(sqlx::Error::RowNotFound))?;
        applied.insert(*account, (id, balance.kopecks()));
    }
    Ok(applied)
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
