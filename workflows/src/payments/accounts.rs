//! Users' virtual accounts at the bank, opened when first needed.

use super::bank_lock::{BankLock, LockSpace};
use crate::DomainError;
use crate::bank::{Bank, BankError, NewBeneficiary, PersonBeneficiary};
use sqlx::{PgConnection, PgPool};

const KNOWN: &str = "SELECT virtual_account FROM bank_accounts WHERE user_id = $1";

/// The user's virtual account, registering them as a beneficiary and opening the account at the
/// bank first if they have none. One process at a time opens a given person's account, with no
/// transaction open during the bank calls.
pub async fn virtual_account_of(pool: &PgPool, bank: &dyn Bank, user_id: i64) -> Result<String, DomainError> {
    if let Some(va) = sqlx::query_scalar(KNOWN).bind(user_id).fetch_optional(pool).await? {
        return Ok(va);
    }
    BankLock::holding(pool, LockSpace::Opening, &format!("user:{user_id}"), async |conn: &mut PgConnection| {
        if let Some(va) = sqlx::query_scalar(KNOWN).bind(user_id).fetch_optional(&mut *conn).await? {
            return Ok(va);
        }
        let inn: String =
            sqlx::query_scalar("SELECT inn FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *conn).await?;
        if inn.is_empty() {
            return Err(DomainError::conflict(
                "no_inn",
                format!("user {user_id} has no INN: the bank cannot open their account"),
            ));
        }
        let person = PersonBeneficiary { inn, registration_address: String::new(), tax_resident: true };
        let (beneficiary, va) = open_account(bank, &NewBeneficiary::NaturalPerson(person)).await?;
        sqlx::query("INSERT INTO bank_accounts (user_id, beneficiary_id, virtual_account) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(&beneficiary)
            .bind(&va)
            .execute(&mut *conn)
            .await?;
        Ok(va)
    })
    .await
}

/// Registers a beneficiary (or finds the one the bank already has under that INN) and gives it
/// a virtual account; returns both ids.
///
/// Neither call takes an idempotency key, and a run can die after the bank acted and before we
/// recorded it. The bank refuses a second beneficiary with the same INN and names the existing
/// one; and an account the bank already lists for the beneficiary is adopted rather than a
/// second opened, so a crash leaves no orphan account behind.
pub(super) async fn open_account(
    bank: &dyn Bank,
    beneficiary: &NewBeneficiary,
) -> Result<(String, String), DomainError> {
    let id = match bank.create_beneficiary(beneficiary).await {
        Ok(id) | Err(BankError::BeneficiaryExists { id: Some(id) }) => id,
        Err(e) => return Err(e.into()),
    };
    let va = match bank.list_virtual_accounts(&id).await?.into_iter().next() {
        Some(opened_before) => opened_before,
        None => bank.create_virtual_account(&id).await?,
    };
    crate::failpoint::pause("bank.account.opened").await;
    Ok((id, va))
}
