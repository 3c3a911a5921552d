//! Reconciliation: every incoming payment at the bank ends identified to the deposit it pays
//! (and credited once) or flagged for staff.
//!
//! Exactly once, however many runs overlap and wherever one crashes: a payment is claimed by
//! inserting its `bank_incoming` row (`identifying`) and locking that row for the bank call and
//! the ledger credit, all in one transaction. A run that finds the row locked skips it; a run
//! that died after the bank identified the money leaves the row `identifying`, and the next run
//! (which no longer sees the payment among the bank's unidentified ones) picks it up from the
//! table, gets "already identified" from the bank and credits it. The ledger key
//! `deposit:bank:{payment id}` is the last guard.

use super::accounts::virtual_account_of;
use super::deposit::parse_order_code;
use crate::bank::{Bank, BankError, IncomingPayment};
use crate::jobs::JobError;
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::notify::{self, Notice, NotificationType};
use futures_util::StreamExt;
use serde_json::json;
use sqlx::PgPool;

/// Bank calls in flight at once during one run.
const PARALLEL: usize = 32;

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reconciled {
    pub identified: usize,
    pub unmatched: usize,
    /// Left for the next run (a bank error worth retrying, or claimed by another run).
    pub deferred: usize,
}

enum Outcome {
    Identified,
    Unmatched,
    Deferred,
}

/// One pass over the bank's unidentified incoming payments and our own unfinished claims.
pub async fn reconcile(pool: &PgPool, bank: &dyn Bank) -> Result<Reconciled, JobError> {
    let mut ids = bank.list_incoming_payments(true).await?;
    let unfinished: Vec<String> =
        sqlx::query_scalar("SELECT payment_id FROM bank_incoming WHERE status = 'identifying'").fetch_all(pool).await?;
    ids.extend(unfinished);
    ids.sort();
    ids.dedup();
    let settled: Vec<String> = sqlx::query_scalar(
        "SELECT payment_id FROM bank_incoming WHERE payment_id = ANY($1) AND status IN ('unmatched', 'returned')",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let settled: std::collections::HashSet<String> = settled.into_iter().collect();
    ids.retain(|id| !settled.contains(id));

    let mut report = Reconciled::default();
    let mut first_error = None;
    let mut runs = futures_util::stream::iter(ids)
        .map(|id| async move { take_up(pool, bank, &id).await })
        .buffer_unordered(PARALLEL);
    while let Some(outcome) = runs.next().await {
        match outcome {
            Ok(Outcome::Identified) => report.identified += 1,
            Ok(Outcome::Unmatched) => report.unmatched += 1,
            Ok(Outcome::Deferred) => report.deferred += 1,
            Err(e) => {
                report.deferred += 1;
                tracing::warn!(error = %e, "incoming payment left for the next reconciliation");
                first_error.get_or_insert(e);
            }
        }
    }
    // Other payments went ahead; a retryable failure makes the job come back sooner than the
    // next tick would.
    match first_error {
        Some(JobError::Retry(e)) => Err(JobError::Retry(e)),
        _ => Ok(report),
    }
}

async fn take_up(pool: &PgPool, bank: &dyn Bank, payment_id: &str) -> Result<Outcome, JobError> {
    let payment = bank.get_payment(payment_id).await?;
    let Some(deposit) = matching_deposit(pool, &payment).await? else {
        return Ok(Outcome::Unmatched);
    };
    // The user's account first (its own transaction, and bank calls of its own).
    let va = virtual_account_of(pool, bank, deposit.user_id).await?;

    sqlx::query(
        "INSERT INTO bank_incoming (payment_id, amount, purpose, payer_name, status, deposit_id)
         VALUES ($1, $2, $3, $4, 'identifying', $5) ON CONFLICT (payment_id) DO NOTHING",
    )
    .bind(payment_id)
    .bind(payment.amount)
    .bind(&payment.purpose)
    .bind(payment.payer_name.clone().unwrap_or_default())
    .bind(deposit.id)
    .execute(pool)
    .await?;
    let mut tx = pool.begin().await?;
    let claimed: Option<i64> = sqlx::query_scalar(
        "SELECT deposit_id FROM bank_incoming WHERE payment_id = $1 AND status = 'identifying' FOR UPDATE SKIP LOCKED",
    )
    .bind(payment_id)
    .fetch_optional(&mut *tx)
    .await?;
    if claimed.is_none() {
        return Ok(Outcome::Deferred); // another run holds it, or it is done
    }
    match bank.identify_payment(payment_id, &[(va, payment.amount)]).await {
        Ok(_) | Err(BankError::AlreadyIdentified) => {}
        Err(e) if e.is_retryable() => return Err(e.into()),
        Err(e) => {
            // The bank refuses for good: staff decide (the deposit stays pending meanwhile).
            tracing::warn!(payment = payment_id, error = %e, "the bank refused to identify a payment: flagged for staff");
            sqlx::query("UPDATE bank_incoming SET status = 'unmatched', reason = $2 WHERE payment_id = $1")
                .bind(payment_id)
                .bind(format!("the bank refused identification: {e}"))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Outcome::Unmatched);
        }
    }
    crate::failpoint::pause("reconcile.after_identify").await;
    sqlx::query(
        "UPDATE payments SET status = 'succeeded', paid_at = now(), external_id = $2, updated_at = now()
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(deposit.id)
    .bind(payment_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE bank_incoming SET status = 'identified', settled_at = now() WHERE payment_id = $1")
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
    let notice = Notice {
        user_id: deposit.user_id,
        kind: NotificationType::PaymentReceived,
        template: "deposit_received",
        data: json!({ "amount": payment.amount }),
        procurement_id: None,
        dedupe_key: format!("deposit:{}:received", deposit.id),
    };
    notify::notify(&mut tx, notice).await?;
    // Last: every deposit credits through the one bank-clearing account, whose row lock is then
    // held only until the commit right after.
    let movement = Movement::transfer(
        format!("deposit:bank:{payment_id}"),
        TransactionType::Deposit,
        Account::BankClearing,
        Account::UserBalance(deposit.user_id),
        payment.amount,
    )
    .with_payment(deposit.id)
    .with_description(format!("Deposit: {}", deposit.description));
    ledger::post(&mut tx, &movement).await?;
    tx.commit().await?;
    Ok(Outcome::Identified)
}

struct PendingDeposit {
    id: i64,
    user_id: i64,
    description: String,
}

/// The pending deposit this payment pays, or None after flagging it (once) for staff.
async fn matching_deposit(pool: &PgPool, payment: &IncomingPayment) -> Result<Option<PendingDeposit>, JobError> {
    let claimed: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT p.id, p.user_id, p.description FROM bank_incoming b JOIN payments p ON p.id = b.deposit_id
         WHERE b.payment_id = $1 AND b.status = 'identifying'",
    )
    .bind(&payment.id)
    .fetch_optional(pool)
    .await?;
    if let Some((id, user_id, description)) = claimed {
        return Ok(Some(PendingDeposit { id, user_id, description }));
    }
    // An SBP payment names its QR code (the bank writes its own purpose); a transfer names the
    // order code in the purpose the buyer copied.
    let named = match &payment.qrcode_id {
        Some(qr) => sqlx::query_scalar(
            "SELECT id FROM payments WHERE payment_type = 'deposit' AND metadata ? 'qrcode_id'
               AND metadata->>'qrcode_id' = $1",
        )
        .bind(qr)
        .fetch_optional(pool)
        .await?
        .ok_or("no deposit with this SBP QR code"),
        None => parse_order_code(&payment.purpose).ok_or("no order code in the purpose"),
    };
    let reason = if !payment.can_be_identified() {
        Some(format!("a payment of type '{}' cannot be identified", payment.kind))
    } else {
        match named {
            Err(why) => Some(why.to_string()),
            Ok(id) => {
                let deposit: Option<(i64, crate::Money, String, String)> = sqlx::query_as(
                    "SELECT user_id, amount, status, description FROM payments WHERE id = $1 AND payment_type = 'deposit'",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?;
                match deposit {
                    None => Some(format!("no deposit {id}")),
                    Some((_, _, status, _)) if status != "pending" => Some(format!("deposit {id} is '{status}'")),
                    Some((_, amount, _, _)) if amount != payment.amount => {
                        Some(format!("deposit {id} is for {amount}, the payment brings {}", payment.amount))
                    }
                    Some((user_id, _, _, description)) => return Ok(Some(PendingDeposit { id, user_id, description })),
                }
            }
        }
    };
    let reason = reason.unwrap_or_default();
    let flagged = sqlx::query(
        "INSERT INTO bank_incoming (payment_id, amount, purpose, payer_name, status, reason)
         VALUES ($1, $2, $3, $4, 'unmatched', $5) ON CONFLICT (payment_id) DO NOTHING",
    )
    .bind(&payment.id)
    .bind(payment.amount)
    .bind(&payment.purpose)
    .bind(payment.payer_name.clone().unwrap_or_default())
    .bind(&reason)
    .execute(pool)
    .await?;
    if flagged.rows_affected() == 1 {
        tracing::warn!(payment = payment.id, amount = %payment.amount, reason, "incoming payment matches no deposit: flagged for staff");
    }
    Ok(None)
}
