use crate::config::Settings;
use workflows::db;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, 4).await?;
    tokio::select! {
        _ = scheduler::run_sweeps(pool, scheduler::SweepConfig::default()) => {}
        _ = super::shutdown_signal() => {}
    }
    Ok(())
}
