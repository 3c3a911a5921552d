//! Movements at the bank: recorded `pending` in the transaction of the ledger change that calls
//! for them, carried out by a job, each exactly once or visibly not.
//!
//! A payout carries our key as the bank's `ext_key`, so retrying it after a timeout is safe. A
//! transfer between virtual accounts has no such key: when the bank does not answer, whether the
//! money moved is unknown, and the operation is marked `unknown` for staff (and `groupbuy
//! doctor`) rather than retried into a double transfer.

use super::accounts::virtual_account_of;
use super::platform::platform_account;
use crate::bank::{Bank, BankError, BankRequisites, Payout};
use crate::jobs::{Job, JobError};
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::money::Money;
use crate::notify::{self, Notice, NotificationType};
use crate::outbox;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

/// Whose account a transfer goes to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    User(i64),
    Platform,
}

impl Owner {
    fn code(self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Platform => "platform".into(),
        }
    }
}

/// Records a transfer of `amount` from `from_va` to `to`'s account, and queues its job.
pub async fn record_transfer(
    conn: &mut PgConnection,
    key: &str,
    from_va: &str,
    to: Owner,
    amount: Money,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO bank_operations (key, kind, from_va, to_owner, amount) VALUES ($1, 'transfer', $2, $3, $4)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(from_va)
    .bind(to.code())
    .bind(amount)
    .execute(&mut *conn)
    .await?;
    outbox::enqueue(conn, &Job::BankOperation { key: key.into() }, None).await
}

/// Records a payout of `amount` from `from_va` to `recipient`'s bank account for withdrawal
/// `payment_id`, and queues its job.
pub async fn record_payout(
    conn: &mut PgConnection,
    key: &str,
    from_va: &str,
    amount: Money,
    recipient: &BankRequisites,
    payment_id: i64,
) -> sqlx::Result<()> {
    let recipient = json!({
        "account": recipient.account, "bank_code": recipient.bank_code, "name": recipient.name,
        "inn": recipient.inn, "kpp": recipient.kpp,
    });
    sqlx::query(
        "INSERT INTO bank_operations (key, kind, from_va, amount, recipient, payment_id)
         VALUES ($1, 'payout', $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(from_va)
    .bind(amount)
    .bind(recipient)
    .bind(payment_id)
    .execute(&mut *conn)
    .await?;
    outbox::enqueue(conn, &Job::BankOperation { key: key.into() }, None).await
}

#[derive(sqlx::FromRow)]
struct Operation {
    kind: String,
    from_va: String,
    amount: Money,
    recipient: Option<Value>,
    payment_id: Option<i64>,
}

/// Carries out operation `key` if it is still pending. The row stays locked for the bank call,
/// so a duplicate job waits and then finds it done.
pub async fn carry_out(pool: &PgPool, bank: &dyn Bank, key: &str) -> Result<(), JobError> {
    // Accounts first: opening one takes bank calls and a transaction of its own.
    let to_va = match target_of(pool, key).await? {
        Some(Owner::User(id)) => Some(virtual_account_of(pool, bank, id).await?),
        Some(Owner::Platform) => Some(platform_account(pool, bank).await?),
        None => None,
    };
    let mut tx = pool.begin().await?;
    let op: Option<Operation> = sqlx::query_as(
        "SELECT kind, from_va, amount, recipient, payment_id FROM bank_operations
         WHERE key = $1 AND status = 'pending' FOR UPDATE",
    )
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(op) = op else { return Ok(()) };
    let (status, bank_ref, error) = match op.kind.as_str() {
        "transfer" => {
            let to_va = to_va.ok_or_else(|| JobError::Permanent(format!("transfer {key} has no target")))?;
            sqlx::query("UPDATE bank_operations SET to_va = $2 WHERE key = $1")
                .bind(key)
                .bind(&to_va)
                .execute(&mut *tx)
                .await?;
            match bank.transfer_between_virtual_accounts(&op.from_va, &to_va, op.amount).await {
                Ok(()) => ("done", None, String::new()),
                // Never sent: safe to try again.
                Err(e @ BankError::Connect(_)) => return Err(e.into()),
                Err(e) if e.is_retryable() => ("unknown", None, e.to_string()),
                Err(e) => ("failed", None, e.to_string()),
            }
        }
        _ => {
            let payout = payout_of(key, &op)?;
            match bank.refund_virtual_account(&payout).await {
                Ok(payment) => ("done", Some(payment), String::new()),
                // The ext_key makes a retry safe.
                Err(e) if e.is_retryable() => return Err(e.into()),
                Err(e) => ("failed", None, e.to_string()),
            }
        }
    };
    if status != "done" {
        tracing::warn!(key, status, error, "bank operation did not go through");
    }
    sqlx::query("UPDATE bank_operations SET status = $2, bank_ref = $3, error = $4, updated_at = now() WHERE key = $1")
        .bind(key)
        .bind(status)
        .bind(bank_ref)
        .bind(&error)
        .execute(&mut *tx)
        .await?;
    if let (Some(payment_id), "done" | "failed") = (op.payment_id, status) {
        settle_withdrawal(&mut tx, payment_id, op.amount, status == "done").await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn target_of(pool: &PgPool, key: &str) -> Result<Option<Owner>, JobError> {
    let owner: Option<Option<String>> =
        sqlx::query_scalar("SELECT to_owner FROM bank_operations WHERE key = $1 AND status = 'pending'")
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(match owner.flatten().as_deref() {
        Some("platform") => Some(Owner::Platform),
        Some(user) => user.strip_prefix("user:").and_then(|id| id.parse().ok()).map(Owner::User),
        None => None,
    })
}

fn payout_of(key: &str, op: &Operation) -> Result<Payout, JobError> {
    let r = op.recipient.as_ref().ok_or_else(|| JobError::Permanent(format!("payout {key} has no recipient")))?;
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
        ext_key: key.into(),
    })
}

/// A withdrawal's money leaves the hold: to the bank when paid out, back to the balance when
/// the bank refused; the person hears which.
async fn settle_withdrawal(
    conn: &mut PgConnection,
    payment_id: i64,
    amount: Money,
    paid: bool,
) -> Result<(), JobError> {
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

/// The bank side of a capture: the buyer's share leaves their virtual account, the net to the
/// organizer's and the commission to the platform's. A buyer without an account at the bank paid
/// with money that never came through it (a bonus), so nothing moves there.
pub async fn record_capture(
    conn: &mut PgConnection,
    participant_id: i64,
    buyer: i64,
    organizer: i64,
    net: Money,
    fee: Money,
) -> sqlx::Result<()> {
    let va: Option<String> = sqlx::query_scalar("SELECT virtual_account FROM bank_accounts WHERE user_id = $1")
        .bind(buyer)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(va) = va else { return Ok(()) };
    let key = format!("capture:participant:{participant_id}");
    if net.is_positive() {
        record_transfer(conn, &format!("{key}:organizer"), &va, Owner::User(organizer), net).await?;
    }
    if fee.is_positive() {
        record_transfer(conn, &format!("{key}:commission"), &va, Owner::Platform, fee).await?;
    }
    Ok(())
}
