//! `groupbuy probe`: what a container's health check runs (the runtime image has no curl).
//! `/ready` answers 2xx only while PostgreSQL and Redis answer, so the check means the role can
//! serve, not merely that the process is alive.

use crate::cli::ProbeArgs;
use std::time::Duration;

pub async fn run(args: &ProbeArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(args.timeout)).build()?;
    let response = client.get(&args.url).send().await?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    anyhow::bail!("{} answered {status}: {body}", args.url)
}
