//! The platform's own virtual account (where commission goes), opened when first needed.

use super::bank_lock::{BankLock, LockSpace};
use crate::DomainError;
use crate::bank::{Bank, LegalEntityBeneficiary, NewBeneficiary};
use sqlx::{PgConnection, PgPool};

/// The operator's legal details: `TOCHKA_PLATFORM_INN`, `TOCHKA_PLATFORM_KPP`,
/// `TOCHKA_PLATFORM_NAME` (the defaults only suit the sandbox bank).
fn operator() -> LegalEntityBeneficiary {
    let var =
        |name: &str, default: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty()).unwrap_or(default.into());
    LegalEntityBeneficiary {
        inn: var("TOCHKA_PLATFORM_INN", "7700000001"),
        name: var("TOCHKA_PLATFORM_NAME", "ООО «ГрупБай»"),
        kpp: var("TOCHKA_PLATFORM_KPP", "770001001"),
        ogrn: None,
    }
}

pub async fn platform_account(pool: &PgPool, bank: &dyn Bank) -> Result<String, DomainError> {
    const KNOWN: &str = "SELECT virtual_account FROM platform_bank_account";
    if let Some(va) = sqlx::query_scalar(KNOWN).fetch_optional(pool).await? {
        return Ok(va);
    }
    BankLock::holding(pool, LockSpace::Opening, "platform", async |conn: &mut PgConnection| {
        if let Some(va) = sqlx::query_scalar(KNOWN).fetch_optional(&mut *conn).await? {
            return Ok(va);
        }
        let (beneficiary, va) = super::accounts::open_account(bank, &NewBeneficiary::LegalEntity(operator())).await?;
        sqlx::query("INSERT INTO platform_bank_account (beneficiary_id, virtual_account) VALUES ($1, $2)")
            .bind(&beneficiary)
            .bind(&va)
            .execute(&mut *conn)
            .await?;
        Ok(va)
    })
    .await
}
