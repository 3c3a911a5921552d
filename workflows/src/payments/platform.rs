//! The platform's own virtual account (where commission goes), opened when first needed.

use super::bank_lock::{BankLock, LockSpace};
use crate::DomainError;
use crate::bank::{Bank, LegalEntityBeneficiary, NewBeneficiary};
use sqlx::{PgConnection, PgPool};
use std::sync::OnceLock;

static OPERATOR: OnceLock<LegalEntityBeneficiary> = OnceLock::new();

/// Sets the operator's legal details (`TOCHKA_PLATFORM_INN`, `…_KPP`, `…_NAME`, read by the
/// binary at start-up), once; the beneficiary of the platform's own account.
pub fn configure_operator(operator: LegalEntityBeneficiary) {
    let _ = OPERATOR.set(operator);
}

/// Placeholders that only the sandbox bank accepts.
pub fn sandbox_operator() -> LegalEntityBeneficiary {
    LegalEntityBeneficiary {
        inn: "7700000001".into(),
        name: "ООО «ГрупБай»".into(),
        kpp: "770001001".into(),
        ogrn: None,
    }
}

/// Unconfigured (tests in one process), the sandbox's placeholders.
fn operator() -> LegalEntityBeneficiary {
    OPERATOR.get().cloned().unwrap_or_else(sandbox_operator)
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
