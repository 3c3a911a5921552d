//! `groupbuy sandbox-bank`: the sandbox bank on its own, on `SANDBOX_BANK_ADDR`, trusting the
//! platform's key (`TOCHKA_PRIVATE_KEY_PATH`, or the development key in `.groupbuy/`). Point a
//! platform at it with `TOCHKA_API_URL=http://<addr>/api/v1` and the same key.

use super::bank::{platform_signer, sandbox_config};
use crate::config::{BankSettings, Settings};

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    // The sandbox verifies with the key the platform signs with, wherever the platform looks for it.
    let bank = BankSettings { api_url: None, ..settings.bank.clone() };
    let signer = platform_signer(&bank).await?;
    let sandbox = sandbox::SandboxBank::new(sandbox_config(&bank, &signer))?;
    let server = sandbox::serve(&bank.sandbox_addr, sandbox).await?;
    tracing::info!(
        api = %server.api_url(),
        payment_page = %format!("{}/pay?amount=100.00&purpose=test", server.url()),
        state = %format!("{}/sandbox/state", server.url()),
        system = %bank.platform_id,
        thumbprint = %signer.thumbprint(),
        "sandbox bank ready"
    );
    super::shutdown_signal().await;
    server.shutdown().await;
    Ok(())
}
