//! Withdrawals: the amount is held on the ledger at once, then paid out from the person's
//! virtual account to their bank details by a job; released back if the bank refuses.

use super::model::{self, Payment};
use super::operations::record_payout;
use crate::bank::BankRequisites;
use crate::error::{DomainError, DomainResult};
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::money::Money;
use sqlx::PgConnection;

pub struct NewWithdrawal {
    pub user_id: i64,
    pub amount: Money,
    pub recipient: BankRequisites,
}

fn digits(text: &str, lengths: &[usize]) -> bool {
    lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn validate(r: &BankRequisites) -> DomainResult<()> {
    if !digits(&r.account, &[20]) {
        return Err(DomainError::invalid("account", "a bank account number is 20 digits"));
    }
    if !digits(&r.bank_code, &[9]) {
        return Err(DomainError::invalid("bic", "a BIC is 9 digits"));
    }
    if !digits(&r.inn, &[10, 12]) {
        return Err(DomainError::invalid("inn", "an INN is 10 or 12 digits"));
    }
    if r.name.trim().is_empty() {
        return Err(DomainError::invalid("name", "the recipient's name is required"));
    }
    Ok(())
}

/// Starts a withdrawal in a transaction of its own.
pub async fn withdraw(pool: &sqlx::PgPool, new: NewWithdrawal) -> DomainResult<Payment> {
    let mut tx = pool.begin().await?;
    let payment = create_withdrawal(&mut tx, new).await?;
    tx.commit().await?;
    Ok(payment)
}

pub async fn create_withdrawal(conn: &mut PgConnection, new: NewWithdrawal) -> DomainResult<Payment> {
    if !new.amount.is_positive() {
        return Err(DomainError::invalid("amount", "a withdrawal must be more than 0.00"));
    }
    validate(&new.recipient)?;
    crate::users::ensure_active(conn, new.user_id).await?;
    let va: Option<String> = sqlx::query_scalar("SELECT virtual_account FROM bank_accounts WHERE user_id = $1")
        .bind(new.user_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(va) = va else {
        return Err(DomainError::conflict(
            "no_bank_account",
            "money is paid out from your account at the bank, which your first deposit opens",
        ));
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payments (user_id, payment_type, amount, status, description)
         VALUES ($1, 'withdrawal', $2, 'pending', $3) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.amount)
    .bind(format!("Вывод на счёт {}", new.recipient.account))
    .fetch_one(&mut *conn)
    .await?;
    let hold = Movement::transfer(
        format!("withdrawal:{id}:hold"),
        TransactionType::Withdrawal,
        Account::UserBalance(new.user_id),
        Account::UserHold(new.user_id),
        new.amount,
    )
    .with_payment(id)
    .with_description("Вывод средств: сумма удержана до выплаты");
    ledger::post(conn, &hold).await?;
    record_payout(conn, &format!("withdrawal:{id}"), &va, new.amount, &new.recipient, id).await?;
    model::get(conn, id).await
}
