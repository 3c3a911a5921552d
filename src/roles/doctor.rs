//! `groupbuy doctor`: prints every discrepancy between the ledger's own rules, and between our
//! records and the bank's; exits non-zero when there is any.

use crate::config::Settings;
use workflows::{db, doctor};

pub async fn run(settings: &Settings, skip_bank: bool) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database_url, 4).await?;
    let bank = if skip_bank { None } else { Some(super::bank::bank_client(settings).await?) };
    let findings = doctor::examine(&pool, bank.as_deref()).await?;
    if findings.is_empty() {
        println!(
            "doctor: ledger balanced{}; no discrepancies",
            if skip_bank { "" } else { " and in step with the bank" }
        );
        return Ok(());
    }
    for finding in &findings {
        println!("{finding}");
    }
    eprintln!("doctor: {} discrepancies", findings.len());
    std::process::exit(1);
}
