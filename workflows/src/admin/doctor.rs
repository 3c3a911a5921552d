//! `groupbuy doctor` on demand for staff: the same checks ([`crate::doctor::examine`]), reported
//! one line per check, passed or not.

use crate::bank::Bank;
use crate::error::DomainResult;
use sqlx::PgPool;

/// The checks `crate::doctor` runs on the books alone, and those that ask the bank too.
const LEDGER_CHECKS: &[&str] = &["ledger_sum", "transaction_balance", "account_balance", "escrow"];
const BANK_CHECKS: &[&str] = &["bank_balance", "deposit", "staff"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    /// "ok", or every discrepancy found, one per line.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

/// Runs every check; with `bank`, also the comparison with the bank.
pub async fn report(pool: &PgPool, bank: Option<&dyn Bank>) -> DomainResult<Report> {
    let findings = crate::doctor::examine(pool, bank).await?;
    let mut names: Vec<&str> = LEDGER_CHECKS.to_vec();
    if bank.is_some() {
        names.extend(BANK_CHECKS);
    }
    // a check added to the doctor and not yet listed here still shows
    for f in &findings {
        if !names.contains(&f.check) {
            names.push(f.check);
        }
    }
    let checks: Vec<Check> = names
        .into_iter()
        .map(|name| {
            let found: Vec<&str> = findings.iter().filter(|f| f.check == name).map(|f| f.detail.as_str()).collect();
            Check {
                name: name.to_string(),
                ok: found.is_empty(),
                detail: if found.is_empty() { "ok".into() } else { found.join("\n") },
            }
        })
        .collect();
    Ok(Report { ok: findings.is_empty(), checks })
}
