//! Carrying out one recorded bank operation, at most once whatever dies when.
//!
//! 1. The intent is committed on its own: the row goes `sending` with the time, before the bank
//!    is called.
//! 2. The bank is called with no database transaction open.
//! 3. The outcome is recorded (`done` with the bank's reference, or `failed` when the bank refused
//!    and nothing moved) in one transaction with what follows from it (a withdrawal's hold).
//!
//! A run that finds the row still `sending` knows a request may have left without its outcome
//! being recorded, so it never sends blind. A payout carries our key as the bank's `ext_key`, so
//! sending it again is how the bank is asked: it answers the first payout's id, or 4909 while
//! that one is still in progress. A transfer between virtual accounts takes no key, so the bank is
//! asked for the source account's movements ([`super::in_doubt`]); only a proven absence lets it go
//! out again, and what the movements cannot settle is parked as `unknown` for staff.
//!
//! Why transfers at all, when deals take an `ext_key`: a deal pays out to bank details or the
//! platform's commission, never into another virtual account, and captures must credit the
//! organizer's virtual account (organizers withdraw when they choose). Payouts, which can use a
//! key, do.
//!
//! Every operation from one virtual account runs under that account's lock
//! ([`BankLock`]), so a second worker holding the same job waits and then finds it settled, and
//! at most one operation per account is ever in doubt at a time.

use super::Owner;
use super::in_doubt::{self, Verdict};
use super::row::{Operation, load};
use crate::DomainError;
use crate::bank::{Bank, BankError, BankRequisites, Payout};
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::money::Money;
use crate::notify::{self, Notice, NotificationType};
use crate::payments::accounts::virtual_account_of;
use crate::payments::bank_lock::{BankLock, LockSpace};
use crate::payments::platform::platform_account;
use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool};

/// What became of an operation at the bank.
enum Outcome {
    /// Carried out; the bank's reference when it gave one (a transfer's id, a payout's payment id).
    Done(Option<String>),
    /// Refused by the bank: nothing moved.
    Failed(String),
}

/// Carries out operation `key` unless it is already settled.
pub async fn carry_out(pool: &PgPool, bank: &dyn Bank, key: &str) -> Result<(), DomainError> {
    let Some(op) = load(&mut *pool.acquire().await?, key).await? else { return Ok(()) };
    if settled(&op.status) {
        return Ok(());
    }
    // The receiving account first: opening one takes bank calls and a lock of its own.
    let to_va = match op.to_owner.as_deref().map(Owner::parse) {
        Some(Some(Owner::User(id))) => Some(virtual_account_of(pool, bank, id).await?),
        Some(Some(Owner::Platform)) => Some(platform_account(pool, bank).await?),
        Some(None) => {
            return Err(DomainError::conflict("bad_operation", format!("transfer {key} names no account owner")));
        }
        None => None,
    };
    BankLock::holding(pool, LockSpace::OutOf, &op.from_va, async |conn: &mut PgConnection| {
        // Another operation from this account left in doubt is settled first, so that what the
        // bank lists can only ever belong to one of ours.
        let others: Vec<String> = sqlx::query_scalar(
            "SELECT key FROM bank_operations WHERE from_va = $1 AND status = 'sending' AND key <> $2 ORDER BY sending_at",
        )
        .bind(&op.from_va)
        .bind(key)
        .fetch_all(&mut *conn)
        .await?;
        for other in others {
            match locked(conn, bank, &other, None).await {
                // Parked for staff: no longer in doubt here, and its own job reports it.
                Ok(()) => {}
                Err(parked) if !parked.is_retryable() => {}
                Err(retry) => return Err(retry),
            }
        }
        locked(conn, bank, key, to_va.as_deref()).await
    })
    .await
}

fn settled(status: &str) -> bool {
    matches!(status, "done" | "failed" | "unknown")
}

/// The protocol itself, under the source account's lock and on its connection.
async fn locked(conn: &mut PgConnection, bank: &dyn Bank, key: &str, to_va: Option<&str>) -> Result<(), DomainError> {
    let Some(op) = load(conn, key).await? else { return Ok(()) };
    if settled(&op.status) {
        return Ok(());
    }
    if op.status == "sending" && op.kind == "transfer" {
        match in_doubt::find_transfer(conn, bank, &op).await? {
            Verdict::Happened(reference) => return record(conn, &op, Outcome::Done(reference)).await,
            Verdict::DidNotHappen => {}
            Verdict::CannotTell(why) => return park(conn, &op, &why).await,
        }
    }
    let to_va = to_va.map(str::to_string).or_else(|| op.to_va.clone());
    if op.kind == "transfer" && to_va.is_none() {
        // Only its own job opens the receiving account; this run may be settling it for another.
        return Err(DomainError::unavailable(format!("transfer {key}: the receiving account is not open yet")));
    }
    sqlx::query(
        "UPDATE bank_operations SET status = 'sending', sending_at = now(), sends = sends + 1,
                to_va = COALESCE($2, to_va), updated_at = now()
         WHERE key = $1 AND status IN ('pending', 'sending')",
    )
    .bind(key)
    .bind(&to_va)
    .execute(&mut *conn)
    .await?;
    let answer = send(bank, &op, to_va.as_deref()).await;
    crate::failpoint::pause(&format!("bank.{}.answered", op.kind)).await;
    match answer {
        Ok(reference) => record(conn, &op, Outcome::Done(reference)).await,
        // Never reached the bank: nothing can have happened.
        Err(e @ BankError::Connect(_)) => {
            sqlx::query("UPDATE bank_operations SET status = 'pending', updated_at = now() WHERE key = $1")
                .bind(key)
                .execute(&mut *conn)
                .await?;
            Err(e.into())
        }
        // Sent, answer unknown: stays `sending`, and the next run asks the bank.
        Err(e) if e.is_retryable() => {
            tracing::warn!(key, error = %e, "bank operation in doubt: the next run asks the bank");
            Err(e.into())
        }
        Err(e) => record(conn, &op, Outcome::Failed(e.to_string())).await,
    }
}

async fn send(bank: &dyn Bank, op: &Operation, to_va: Option<&str>) -> Result<Option<String>, BankError> {
    match op.kind.as_str() {
        "transfer" => {
            let to_va = to_va.ok_or_else(|| BankError::Request(format!("transfer {} has no target", op.key)))?;
            bank.transfer_between_virtual_accounts(&op.from_va, to_va, op.amount).await
        }
        _ => {
            let payout = payout_of(op).map_err(BankError::Request)?;
            bank.refund_virtual_account(&payout).await.map(Some)
        }
    }
}

/// Records the outcome, with what follows from it, in one transaction.
async fn record(conn: &mut PgConnection, op: &Operation, outcome: Outcome) -> Result<(), DomainError> {
    let (status, reference, error) = match outcome {
        Outcome::Done(reference) => ("done", reference, String::new()),
        Outcome::Failed(error) => ("failed", None, error),
    };
    if status == "failed" {
        tracing::warn!(key = op.key, error, "the bank refused an operation; nothing moved");
    }
    let mut tx = conn.begin().await?;
    let updated = sqlx::query(
        "UPDATE bank_operations SET status = $2, bank_ref = $3, error = $4, updated_at = now()
         WHERE key = $1 AND status IN ('pending', 'sending')",
    )
    .bind(&op.key)
    .bind(status)
    .bind(&reference)
    .bind(&error)
    .execute(&mut *tx)
    .await?;
    if let (Some(payment_id), 1) = (op.payment_id, updated.rows_affected()) {
        settle_withdrawal(&mut tx, payment_id, op.amount, status == "done").await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The bank cannot say whether the operation happened: it is never repeated automatically.
/// Staff see it in `groupbuy doctor` and, through the job's dead letter, in `groupbuy jobs dead`.
async fn park(conn: &mut PgConnection, op: &Operation, why: &str) -> Result<(), DomainError> {
    sqlx::query("UPDATE bank_operations SET status = 'unknown', error = $2, updated_at = now() WHERE key = $1")
        .bind(&op.key)
        .bind(why)
        .execute(&mut *conn)
        .await?;
    tracing::error!(key = op.key, why, "bank operation parked for staff");
    Err(DomainError::conflict("parked_for_staff", format!("bank operation {} parked for staff: {why}", op.key)))
}

fn payout_of(op: &Operation) -> Result<Payout, String> {
    let r = op.recipient.as_ref().ok_or_else(|| format!("payout {} has no recipient", op.key))?;
    let text = |field: &str| r[field].as_str().unwrap_or_default().to_string();
    Ok(Payout {
        virtual_account: op.from_va.clone(),
        amount: op.amount,
        recipient: BankRequisites {
            account: text("account"),
            bank_code: text("bank_code"),
            name: text("name"),
            inn: text("inn"),
            kpp: r["kpp"].as_str().map(str::to_string),
        },
        purpose: Some("Вывод средств с баланса GroupBuy. НДС не облагается".into()),
        ext_key: op.key.clone(),
    })
}

/// A withdrawal's money leaves the hold: to the bank when paid out, back to the balance when
/// the bank refused; the person hears which.
async fn settle_withdrawal(
    conn: &mut PgConnection,
    payment_id: i64,
    amount: Money,
    paid: bool,
) -> Result<(), DomainError> {
    let user_id: i64 =
        sqlx::query_scalar("SELECT user_id FROM payments WHERE id = $1").bind(payment_id).fetch_one(&mut *conn).await?;
    let (to, status, template) = if paid {
        (Account::BankClearing, "succeeded", "withdrawal_paid")
    } else {
        (Account::UserBalance(user_id), "cancelled", "withdrawal_failed")
    };
    let movement = Movement::transfer(
        format!("withdrawal:{payment_id}:settle"),
        TransactionType::Withdrawal,
        Account::UserHold(user_id),
        to,
        amount,
    )
    .with_payment(payment_id)
    .with_description(if paid {
        "Вывод средств"
    } else {
        "Возврат несостоявшегося вывода"
    });
    ledger::post(conn, &movement).await?;
    sqlx::query(
        "UPDATE payments SET status = $2, paid_at = CASE WHEN $3 THEN now() END, updated_at = now()
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(payment_id)
    .bind(status)
    .bind(paid)
    .execute(&mut *conn)
    .await?;
    let notice = Notice {
        user_id,
        kind: NotificationType::PaymentReceived,
        template,
        data: json!({ "amount": amount }),
        procurement_id: None,
        dedupe_key: format!("withdrawal:{payment_id}:{status}"),
    };
    notify::notify(conn, notice).await?;
    Ok(())
}
