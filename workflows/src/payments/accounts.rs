//! Users' virtual accounts at the bank, opened when first needed.

use crate::bank::{Bank, BankError, NewBeneficiary, PersonBeneficiary};
use crate::jobs::JobError;
use sqlx::PgPool;

/// Advisory-lock space for opening accounts, so two reconciliations of one user's deposits do
/// not both register them at the bank.
const LOCK_SPACE: i64 = 0x6261_6e6b << 32;

/// The user's virtual account, registering them as a beneficiary and opening the account at the
/// bank first if they have none. The bank refuses a second beneficiary with the same INN and
/// names the existing one, so a crash between registering and recording costs nothing.
pub async fn virtual_account_of(pool: &PgPool, bank: &dyn Bank, user_id: i64) -> Result<String, JobError> {
    const KNOWN: &str = "SELECT virtual_account FROM bank_accounts WHERE user_id = $1";
    if let Some(va) = sqlx::query_scalar(KNOWN).bind(user_id).fetch_optional(pool).await? {
        return Ok(va);
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOCK_SPACE + user_id).execute(&mut *tx).await?;
    if let Some(va) = sqlx::query_scalar(KNOWN).bind(user_id).fetch_optional(&mut *tx).await? {
        return Ok(va);
    }
    let inn: String =
        sqlx::query_scalar("SELECT inn FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *tx).await?;
    if inn.is_empty() {
        return Err(JobError::Permanent(format!("user {user_id} has no INN: the bank cannot open their account")));
    }
    let person = PersonBeneficiary { inn, registration_address: String::new(), tax_resident: true };
    let (beneficiary, va) = open_account(bank, &NewBeneficiary::NaturalPerson(person)).await?;
    sqlx::query("INSERT INTO bank_accounts (user_id, beneficiary_id, virtual_account) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(&beneficiary)
        .bind(&va)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(va)
}

/// Registers a beneficiary (or finds the one the bank already has under that INN) and opens a
/// virtual account for it; returns both ids.
pub(super) async fn open_account(bank: &dyn Bank, beneficiary: &NewBeneficiary) -> Result<(String, String), JobError> {
    let id = match bank.create_beneficiary(beneficiary).await {
        Ok(id) | Err(BankError::BeneficiaryExists { id: Some(id) }) => id,
        Err(e) => return Err(e.into()),
    };
    let va = bank.create_virtual_account(&id).await?;
    Ok((id, va))
}
