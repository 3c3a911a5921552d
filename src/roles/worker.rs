use crate::cli::WorkerArgs;
use crate::config::Settings;
use workers::Queue;
use workers::pool::PoolConfig;
use workflows::db;

/// `groupbuy worker --queues a,b --concurrency N`: the outbox relay and pools for those queues.
pub async fn run(settings: &Settings, args: &WorkerArgs) -> anyhow::Result<()> {
    let queues = Queue::parse_list(&args.queues)?;
    let pool = db::prepare(&settings.database_url, (args.concurrency * queues.len()).clamp(4, 64) as u32).await?;
    // With the sandbox bank, this process serves it (keep the handle alive while it runs).
    let (bank, _sandbox) = super::bank::connect_bank(settings).await?;
    let messenger = super::bot::workers_messenger(settings).await?;
    workers::runtime::run_with_messenger(
        pool,
        bank,
        messenger,
        &settings.redis_url,
        pool_config(settings, queues, args.concurrency),
        super::shutdown_signal(),
    )
    .await?;
    Ok(())
}

pub fn pool_config(settings: &Settings, queues: Vec<Queue>, concurrency: usize) -> PoolConfig {
    PoolConfig {
        queues,
        concurrency: concurrency.max(1),
        namespace: settings.queue_namespace.clone(),
        max_attempts: settings.job_max_attempts,
        ..PoolConfig::default()
    }
}
