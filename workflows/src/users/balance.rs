//! Staff adjust a balance by hand, through the ledger like every movement of money.

use crate::error::{DomainError, DomainResult};
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::money::Money;
use crate::notify::{self, Notice, NotificationType};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// The balance before and after an adjustment.
pub struct Adjusted {
    pub old: Money,
    pub new: Money,
}

/// Adds `amount` to user `user_id`'s balance (a bonus), or takes it away when negative (never
/// below zero). `key` makes a repeat of the same adjustment a refusal rather than a second one.
pub async fn adjust_balance(
    pool: &PgPool,
    user_id: i64,
    amount: Money,
    key: String,
    description: &str,
) -> DomainResult<Adjusted> {
    let mut tx = pool.begin().await?;
    let adjusted = adjust_balance_in(&mut tx, user_id, amount, key, description).await?;
    tx.commit().await?;
    Ok(adjusted)
}

/// [`adjust_balance`] inside the caller's transaction, for writes that record more with it (a
/// staff adjustment's audit row).
pub async fn adjust_balance_in(
    conn: &mut PgConnection,
    user_id: i64,
    amount: Money,
    key: String,
    description: &str,
) -> DomainResult<Adjusted> {
    if amount.kopecks() == 0 {
        return Err(DomainError::invalid("amount", "must not be zero"));
    }
    let (kind, from, to, value) = if amount.is_positive() {
        (TransactionType::Bonus, Account::BankClearing, Account::UserBalance(user_id), amount)
    } else {
        (TransactionType::Withdrawal, Account::UserBalance(user_id), Account::BankClearing, -amount)
    };
    let description =
        if description.trim().is_empty() { "Корректировка баланса" } else { description.trim() };
    super::get(&mut *conn, user_id).await?;
    let old = ledger::balance_of(&mut *conn, user_id).await?;
    ledger::post(&mut *conn, &Movement::transfer(key.clone(), kind, from, to, value).with_description(description))
        .await?;
    let new = ledger::balance_of(&mut *conn, user_id).await?;
    // The person hears of it: money they did not move themselves is a system notice.
    let notice = Notice {
        user_id,
        kind: NotificationType::System,
        template: "balance_adjusted",
        data: json!({ "credited": amount.is_positive(), "amount": value, "reason": description, "balance": new }),
        procurement_id: None,
        dedupe_key: format!("balance_adjusted:{key}"),
    };
    notify::notify(&mut *conn, notice).await?;
    Ok(Adjusted { old, new })
}
