//! Reconciliation: every incoming payment at the bank ends identified to the deposit it pays
//! (and credited once) or flagged for staff.
//!
//! Exactly once, however many runs overlap and wherever one crashes: a payment is claimed by
//! inserting its `bank_incoming` row (`identifying`; at most one such row per deposit) and
//! locking that row for the bank call and the ledger credit, all in one transaction. A run that
//! finds the row locked skips it; a run that died after the bank identified the money leaves
//! the row `identifying`, and the next run (which no longer sees the payment among the bank's
//! unidentified ones) picks it up from the table, gets "already identified" from the bank and
//! credits it. The ledger key `deposit:bank:{payment id}` is the last guard.
//!
//! Payments go in batches: the bank is asked about each one (Cyclops has no bulk methods), but
//! the database work of a batch is a fixed number of statements and one transaction, and a few
//! batches run at once so one's bank calls overlap another's database work.

use super::accounts::virtual_account_of;
use super::matching::{PendingDeposit, match_deposits};
use crate::DomainError;
use crate::bank::{Bank, BankError, IncomingPayment};
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::money::Money;
use crate::notify::{self, Notice, NotificationType};
use futures_util::StreamExt;
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashMap;

/// Payments settled per database transaction.
const BATCH: usize = 200;
/// Batches in progress at once.
const BATCHES_AT_ONCE: usize = 4;
/// Bank calls in flight at once within one batch.
const PARALLEL: usize = 16;

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reconciled {
    pub identified: usize,
    pub unmatched: usize,
    /// Left for the next run (a bank error worth retrying, or claimed by another run).
    pub deferred: usize,
}

impl std::ops::AddAssign for Reconciled {
    fn add_assign(&mut self, other: Self) {
        self.identified += other.identified;
        self.unmatched += other.unmatched;
        self.deferred += other.deferred;
    }
}

/// What one batch did, and the first error that left some of it for later.
#[derive(Default)]
struct Settled {
    report: Reconciled,
    error: Option<DomainError>,
}

impl Settled {
    fn defer(&mut self, count: usize, error: impl Into<DomainError>) {
        self.report.deferred += count;
        let error = error.into();
        tracing::warn!(error = %error, count, "incoming payments left for the next reconciliation");
        self.error.get_or_insert(error);
    }
}

/// One pass over the bank's unidentified incoming payments and our own unfinished claims.
pub async fn reconcile(pool: &PgPool, bank: &dyn Bank) -> Result<Reconciled, DomainError> {
    let ids = candidates(pool, bank).await?;
    let mut report = Reconciled::default();
    let mut first_error = None;
    // Owned items: a closure over borrowed ones is not provably `Send` (rust#102211).
    let batches: Vec<Vec<String>> = ids.chunks(BATCH).map(<[String]>::to_vec).collect();
    let mut batches = futures_util::stream::iter(batches)
        .map(|ids| async move { settle_batch(pool, bank, &ids).await })
        .buffer_unordered(BATCHES_AT_ONCE);
    while let Some(settled) = batches.next().await {
        report += settled.report;
        if let Some(e) = settled.error {
            first_error.get_or_insert(e);
        }
    }
    // Other payments went ahead; a retryable failure makes the job come back sooner than the
    // next tick would.
    match first_error {
        Some(e) if e.is_retryable() => Err(e),
        _ => Ok(report),
    }
}

/// One batch settled, or (when its transaction rolled back) left for the next run but for the
/// claims and flags written before the transaction, which the next run takes up.
async fn settle_batch(pool: &PgPool, bank: &dyn Bank, ids: &[String]) -> Settled {
    let mut settled = Settled::default();
    if let Err(e) = settle(pool, bank, ids, &mut settled).await {
        let undone = ids.len() - settled.report.unmatched;
        settled.report = Reconciled { unmatched: settled.report.unmatched, ..Reconciled::default() };
        settled.defer(undone, e);
    }
    settled
}

/// The bank's unidentified incoming payments and our unfinished claims, less those settled
/// already: credited (the bank's list can lag behind its identification), flagged for staff or
/// returned. Asking the bank about those again would only cost signed requests.
async fn candidates(pool: &PgPool, bank: &dyn Bank) -> Result<Vec<String>, DomainError> {
    let mut ids = bank.list_incoming_payments(true).await?;
    let unfinished: Vec<String> =
        sqlx::query_scalar("SELECT payment_id FROM bank_incoming WHERE status = 'identifying'").fetch_all(pool).await?;
    ids.extend(unfinished);
    ids.sort();
    ids.dedup();
    let settled: Vec<String> = sqlx::query_scalar(
        "SELECT payment_id FROM bank_incoming WHERE payment_id = ANY($1) AND status IN ('identified', 'unmatched', 'returned')",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let settled: std::collections::HashSet<String> = settled.into_iter().collect();
    ids.retain(|id| !settled.contains(id));
    Ok(ids)
}

/// Settles one batch of payments: asks the bank about each, matches them to deposits, claims
/// the matched ones, identifies them at the bank and credits them in one transaction.
async fn settle(pool: &PgPool, bank: &dyn Bank, ids: &[String], settled: &mut Settled) -> Result<(), DomainError> {
    let fetched: Vec<_> = futures_util::stream::iter(ids.to_vec())
        .map(|id| async move { bank.get_payment(&id).await })
        .buffered(PARALLEL)
        .collect()
        .await;
    let mut payments = Vec::with_capacity(fetched.len());
    for payment in fetched {
        match payment {
            Ok(payment) => payments.push(payment),
            Err(e) => settled.defer(1, e),
        }
    }
    let (matched, unmatched) = match_deposits(pool, payments).await?;
    settled.report.unmatched += unmatched;
    let matched = with_accounts(pool, bank, matched, settled).await?;
    if matched.is_empty() {
        return Ok(());
    }
    claim(pool, &matched).await?;

    let mut tx = pool.begin().await?;
    // Locked for this transaction: a payment another run holds, or one already done, is not ours.
    let ours: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT payment_id, deposit_id FROM bank_incoming
         WHERE payment_id = ANY($1) AND status = 'identifying' ORDER BY payment_id FOR UPDATE SKIP LOCKED",
    )
    .bind(matched.iter().map(|m| m.payment.id.as_str()).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let (ours, others): (Vec<Claimed>, Vec<Claimed>) =
        matched.into_iter().partition(|m| ours.get(&m.payment.id) == Some(&m.deposit.id));
    settled.report.deferred += others.len();

    let requests: Vec<(String, [(String, Money); 1])> =
        ours.iter().map(|m| (m.payment.id.clone(), [(m.account.clone(), m.payment.amount)])).collect();
    let answers: Vec<_> = futures_util::stream::iter(requests)
        .map(|(id, owners)| async move { bank.identify_payment(&id, &owners).await })
        .buffered(PARALLEL)
        .collect()
        .await;
    let (mut identified, mut refused) = (Vec::new(), Vec::new());
    for (claimed, answer) in ours.into_iter().zip(answers) {
        match answer {
            Ok(_) | Err(BankError::AlreadyIdentified) => identified.push(claimed),
            Err(e) if e.is_retryable() => settled.defer(1, e),
            Err(e) => {
                // The bank refuses for good: staff decide (the deposit stays pending meanwhile).
                tracing::warn!(payment = claimed.payment.id, error = %e, "the bank refused to identify a payment: flagged for staff");
                refused.push((claimed.payment.id, format!("the bank refused identification: {e}")));
            }
        }
    }
    crate::failpoint::pause("reconcile.after_identify").await;
    sqlx::query(
        "UPDATE bank_incoming b SET status = 'unmatched', reason = r.reason
         FROM unnest($1::text[], $2::text[]) AS r(id, reason) WHERE b.payment_id = r.id",
    )
    .bind(refused.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>())
    .bind(refused.iter().map(|(_, reason)| reason.as_str()).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    credit(&mut tx, &identified).await?;
    tx.commit().await?;
    settled.report.unmatched += refused.len();
    settled.report.identified += identified.len();
    Ok(())
}

/// A matched payment with the payer's virtual account.
struct Claimed {
    payment: IncomingPayment,
    deposit: PendingDeposit,
    account: String,
}

/// Each matched payment with its payer's virtual account (opened at the bank on the payer's
/// first deposit); a payment whose account cannot be had now waits for the next run.
async fn with_accounts(
    pool: &PgPool,
    bank: &dyn Bank,
    matched: Vec<(IncomingPayment, PendingDeposit)>,
    settled: &mut Settled,
) -> Result<Vec<Claimed>, DomainError> {
    let users: Vec<i64> = matched.iter().map(|(_, d)| d.user_id).collect();
    let mut accounts: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
        "SELECT user_id, virtual_account FROM bank_accounts WHERE user_id = ANY($1)",
    )
    .bind(&users)
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let mut claimed = Vec::with_capacity(matched.len());
    for (payment, deposit) in matched {
        let account = match accounts.get(&deposit.user_id) {
            Some(account) => account.clone(),
            None => match virtual_account_of(pool, bank, deposit.user_id).await {
                Ok(account) => accounts.entry(deposit.user_id).or_insert(account).clone(),
                Err(e) => {
                    settled.defer(1, e);
                    continue;
                }
            },
        };
        claimed.push(Claimed { payment, deposit, account });
    }
    Ok(claimed)
}

/// Claims payments for their deposits; a payment claimed before keeps its row, and a second
/// payment for a deposit already claimed is not claimed (the next run flags it).
async fn claim(pool: &PgPool, matched: &[Claimed]) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO bank_incoming (payment_id, amount, purpose, payer_name, status, deposit_id)
         SELECT id, k / 100.0, purpose, payer, 'identifying', deposit
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[]) AS c(id, k, purpose, payer, deposit)
         ON CONFLICT DO NOTHING",
    )
    .bind(matched.iter().map(|m| m.payment.id.as_str()).collect::<Vec<_>>())
    .bind(matched.iter().map(|m| m.payment.amount.kopecks()).collect::<Vec<_>>())
    .bind(matched.iter().map(|m| m.payment.purpose.as_str()).collect::<Vec<_>>())
    .bind(matched.iter().map(|m| m.payment.payer_name.clone().unwrap_or_default()).collect::<Vec<_>>())
    .bind(matched.iter().map(|m| m.deposit.id).collect::<Vec<_>>())
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks identified payments' deposits succeeded and credits the payers, with a notification
/// each. The ledger last: every deposit credits through the one bank-clearing account, whose
/// row lock is then held only until the commit right after.
async fn credit(tx: &mut sqlx::PgConnection, identified: &[Claimed]) -> Result<(), DomainError> {
    if identified.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE payments p SET status = 'succeeded', paid_at = now(), external_id = d.payment, updated_at = now()
         FROM unnest($1::bigint[], $2::text[]) AS d(id, payment) WHERE p.id = d.id AND p.status = 'pending'",
    )
    .bind(identified.iter().map(|m| m.deposit.id).collect::<Vec<_>>())
    .bind(identified.iter().map(|m| m.payment.id.as_str()).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE bank_incoming SET status = 'identified', settled_at = now() WHERE payment_id = ANY($1)")
        .bind(identified.iter().map(|m| m.payment.id.as_str()).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    let notices: Vec<Notice> = identified
        .iter()
        .map(|m| Notice {
            user_id: m.deposit.user_id,
            kind: NotificationType::PaymentReceived,
            template: "deposit_received",
            data: json!({ "amount": m.payment.amount }),
            procurement_id: None,
            dedupe_key: format!("deposit:{}:received", m.deposit.id),
        })
        .collect();
    notify::notify_all(&mut *tx, &notices).await?;
    let movements: Vec<Movement> = identified
        .iter()
        .map(|m| {
            Movement::transfer(
                format!("deposit:bank:{}", m.payment.id),
                TransactionType::Deposit,
                Account::BankClearing,
                Account::UserBalance(m.deposit.user_id),
                m.payment.amount,
            )
            .with_payment(m.deposit.id)
            .with_description(format!("Deposit: {}", m.deposit.description))
        })
        .collect();
    ledger::post_all(&mut *tx, &movements).await?;
    Ok(())
}
