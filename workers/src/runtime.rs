//! A worker process: the outbox relay plus pools for its queues, until asked to stop.

use crate::courier::RedisCourier;
use crate::finished::Finished;
use crate::metrics::Recorder;
use crate::pool::{self, PoolConfig};
use crate::relay::Relay;
use crate::storage;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use workflows::bank::Bank;
use workflows::jobs::JobContext;
use workflows::messenger::Messenger;
use workflows::notify::NoMessenger;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("worker pools stopped: {0}")]
    Pools(String),
}

/// Runs the relay and the pools with no messenger (nothing is sent to Telegram or VK). Returns
/// when `shutdown` resolves (after in-flight jobs finish), or with an error when the pools die,
/// so a supervisor restarts the process.
pub async fn run(
    pool: PgPool,
    bank: Arc<dyn Bank>,
    redis_url: &str,
    config: PoolConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RuntimeError> {
    run_with_messenger(pool, bank, Arc::new(NoMessenger), redis_url, config, shutdown).await
}

/// [`run`], with jobs writing to people's messengers through `messenger` (the bots' adapters
/// behind their shared rate limiter).
pub async fn run_with_messenger(
    pool: PgPool,
    bank: Arc<dyn Bank>,
    messenger: Arc<dyn Messenger>,
    redis_url: &str,
    config: PoolConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RuntimeError> {
    let conn = storage::connect(redis_url).await?;
    let relay = tokio::spawn(Relay::new(pool.clone(), conn.clone(), &config.namespace).run(Duration::from_millis(100)));
    let vacuum = tokio::spawn(vacuum_forever(conn.clone(), config.namespace.clone()));
    let watchdog = tokio::spawn(watchdog(conn.clone(), config.namespace.clone(), config.queues.clone()));
    tracing::info!(queues = ?config.queues.iter().map(|q| q.name()).collect::<Vec<_>>(), concurrency = config.concurrency, "worker pools starting");
    let metrics = Recorder::default();
    let flusher = tokio::spawn(metrics.clone().flush_forever(conn.clone(), config.namespace.clone()));
    let finished = Finished::default();
    let marker = tokio::spawn(finished.clone().flush_forever(pool.clone()));
    let courier = Arc::new(RedisCourier::new(conn.clone(), config.namespace.clone()));
    let result = pool::run(
        JobContext { pool: pool.clone(), courier: courier.clone(), bank, feed: courier, messenger },
        conn.clone(),
        config.clone(),
        metrics.clone(),
        finished.clone(),
        shutdown,
    )
    .await;
    // What the last moment's jobs added, before the process goes.
    flusher.abort();
    marker.abort();
    let _ = metrics.flush(&mut conn.clone(), &config.namespace).await;
    let _ = finished.flush(&pool).await;
    relay.abort();
    vacuum.abort();
    watchdog.abort();
    result.map_err(|e| RuntimeError::Pools(e.to_string()))
}

/// Finished jobs are kept an hour (for `groupbuy jobs stats` and debugging), then vacuumed.
const DONE_RETENTION: Duration = Duration::from_secs(3600);

async fn vacuum_forever(mut conn: apalis_redis::ConnectionManager, namespace: String) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        match crate::admin::vacuum(&mut conn, &namespace, DONE_RETENTION).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "vacuumed finished jobs"),
            Err(e) => tracing::warn!(error = %e, "vacuum failed; next round retries"),
        }
    }
}

/// The liveness signal. apalis-redis 1.0 workers can hang for good after a Redis stall (a lost
/// wake-up: no more fetches, no more heartbeats) while the process looks alive. Every heartbeat
/// period this checks that each queue has a worker of this process whose heartbeat is recent;
/// if one has been silent for three periods, the process exits non-zero so its supervisor starts
/// a fresh one (whose new worker names also take over the stuck worker's jobs).
async fn watchdog(mut conn: apalis_redis::ConnectionManager, namespace: String, queues: Vec<crate::Queue>) {
    use redis::AsyncCommands;
    let tag = crate::pool::process_tag();
    let limit = (storage::HEARTBEAT * storage::MISSED_HEARTBEATS as u32).as_secs() as i64;
    // Let the workers register first.
    tokio::time::sleep(storage::HEARTBEAT * 2).await;
    let mut tick = tokio::time::interval(storage::HEARTBEAT);
    loop {
        tick.tick().await;
        let now = chrono::Utc::now().timestamp();
        for queue in &queues {
            let workers: Result<Vec<(String, f64)>, _> =
                conn.zrange_withscores(format!("{namespace}:{}:workers", queue.name()), 0, -1).await;
            let Ok(workers) = workers else {
                continue; // Redis unreachable: the relay and pools report that themselves.
            };
            let newest = workers.iter().filter(|(name, _)| name.contains(&tag)).map(|(_, beat)| *beat as i64).max();
            if newest.is_none_or(|beat| now - beat > limit) {
                tracing::error!(
                    queue = queue.name(),
                    "worker pool silent for {limit} s: exiting so a fresh process takes over"
                );
                std::process::exit(70);
            }
        }
    }
}
