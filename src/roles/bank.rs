//! Connecting to the bank: Tochka's Cyclops when `TOCHKA_API_URL` is set, otherwise the sandbox
//! bank started in this process. Either way the platform talks to it through the real, signed
//! Cyclops client over HTTP.

use crate::config::{BankSettings, Settings};
use anyhow::Context;
use cyclops::{CyclopsClient, CyclopsConfig, Signer};
use sandbox::{SandboxBank, SandboxConfig, SandboxServer};
use std::path::PathBuf;
use std::sync::Arc;
use workflows::bank::Bank;

/// Where the development key lives when no `TOCHKA_PRIVATE_KEY_PATH` is given.
const DEV_KEY_PATH: &str = ".groupbuy/sandbox-key.pem";

/// The bank port, and the in-process sandbox's handle when there is one (keep it alive; its
/// `payment_page_url` is what a deposit's `confirmation_url` points to).
pub async fn connect_bank(settings: &Settings) -> anyhow::Result<(Arc<dyn Bank>, Option<SandboxServer>)> {
    let bank = &settings.bank;
    let signer = platform_signer(bank).await?;
    let (api_url, sandbox) = match &bank.api_url {
        Some(url) => (url.clone(), None),
        None => {
            let server = start_sandbox(bank, &signer).await?;
            tracing::warn!(url = %server.url(), "TOCHKA_API_URL is not set: using the built-in sandbox bank (no real money)");
            (server.api_url(), Some(server))
        }
    };
    let config = CyclopsConfig::new(api_url, &bank.platform_id, signer)
        .with_nominal_account(&bank.nominal_account, &bank.nominal_bic);
    let client = CyclopsClient::new(config)?;
    Ok((Arc::new(client), sandbox))
}

/// A client of the bank this installation uses, without starting anything: Tochka, or the
/// sandbox bank that `groupbuy all` (or `groupbuy worker`, `groupbuy sandbox-bank`) serves on
/// `SANDBOX_BANK_ADDR`.
pub async fn bank_client(settings: &Settings) -> anyhow::Result<Arc<dyn Bank>> {
    let bank = &settings.bank;
    let api_url = bank.api_url.clone().unwrap_or_else(|| format!("http://{}/api/v1", bank.sandbox_addr));
    let config = CyclopsConfig::new(api_url, &bank.platform_id, platform_signer(bank).await?)
        .with_nominal_account(&bank.nominal_account, &bank.nominal_bic);
    Ok(Arc::new(CyclopsClient::new(config)?))
}

/// What the sandbox trusts: the platform's public key under its `sign-system` and thumbprint.
pub fn sandbox_config(bank: &BankSettings, signer: &Signer) -> SandboxConfig {
    SandboxConfig {
        nominal_account: bank.nominal_account.clone(),
        bic: bank.nominal_bic.clone(),
        ..SandboxConfig::trusting(signer, &bank.platform_id)
    }
}

/// The sandbox on `SANDBOX_BANK_ADDR`, or on a free port when that one is taken.
async fn start_sandbox(bank: &BankSettings, signer: &Signer) -> anyhow::Result<SandboxServer> {
    let sandbox = SandboxBank::new(sandbox_config(bank, signer))?;
    match sandbox::serve(&bank.sandbox_addr, sandbox.clone()).await {
        Ok(server) => Ok(server),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            tracing::warn!(addr = %bank.sandbox_addr, "SANDBOX_BANK_ADDR is busy: the sandbox bank takes a free port");
            Ok(sandbox::serve("127.0.0.1:0", sandbox).await?)
        }
        Err(e) => Err(e).with_context(|| format!("starting the sandbox bank on {}", bank.sandbox_addr)),
    }
}

/// The platform's signing key: `TOCHKA_PRIVATE_KEY_PATH`, or (for the sandbox only) a key
/// generated once and kept in `.groupbuy/sandbox-key.pem`.
pub async fn platform_signer(bank: &BankSettings) -> anyhow::Result<Signer> {
    let signer = match (&bank.private_key_path, &bank.api_url) {
        (Some(path), _) => {
            let pem = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Signer::from_pem(&pem).with_context(|| format!("loading {}", path.display()))?
        }
        (None, Some(_)) => anyhow::bail!("TOCHKA_API_URL is set but TOCHKA_PRIVATE_KEY_PATH is not"),
        (None, None) => dev_key().await?,
    };
    Ok(match &bank.thumbprint {
        Some(thumbprint) => signer.with_thumbprint(thumbprint),
        None => signer,
    })
}

async fn dev_key() -> anyhow::Result<Signer> {
    let path = PathBuf::from(DEV_KEY_PATH);
    if let Ok(pem) = std::fs::read_to_string(&path) {
        return Signer::from_pem(&pem).with_context(|| format!("loading {}", path.display()));
    }
    // Generating an RSA key takes a moment; keep the runtime free meanwhile.
    let signer = tokio::task::spawn_blocking(Signer::generate).await??;
    std::fs::create_dir_all(".groupbuy")?;
    std::fs::write(&path, signer.private_key_pem())?;
    tracing::warn!(path = %path.display(), "generated a development key for the sandbox bank; never use it with a real bank");
    Ok(signer)
}

/// Where buyers pay deposits: the nominal account's requisites, and with the sandbox bank its
/// payment page (the one started in this process, or the worker's on `SANDBOX_BANK_ADDR`).
pub fn pay_into(settings: &Settings, sandbox: Option<&SandboxServer>) -> workflows::payments::PayInto {
    let bank = &settings.bank;
    let page = match (sandbox, &bank.api_url) {
        (Some(server), _) => Some(format!("{}/pay", server.url())),
        (None, None) => Some(format!("http://{}/pay", bank.sandbox_addr)),
        (None, Some(_)) => None,
    };
    workflows::payments::PayInto {
        nominal_account: bank.nominal_account.clone(),
        bic: bank.nominal_bic.clone(),
        bank_name: bank.bank_name.clone(),
        recipient_name: bank.recipient_name.clone(),
        payment_page: page,
    }
}
