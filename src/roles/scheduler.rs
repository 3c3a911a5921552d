use crate::config::Settings;
use workflows::db;

/// `groupbuy scheduler`: the cron schedules (`GROUPBUY_CRON_*`), queued through the outbox so
/// any number of replicas fire each tick once.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let schedules = scheduler::schedules(&settings.cron)?;
    let pool = db::prepare(&settings.database_url, 4).await?;
    tokio::select! {
        _ = scheduler::run(pool, schedules) => {}
        _ = super::shutdown_signal() => {}
    }
    Ok(())
}
