//! A worker process: the outbox relay plus pools for its queues, until asked to stop.

use crate::pool::{self, PoolConfig};
use crate::relay::Relay;
use crate::storage;
use sqlx::PgPool;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("worker pools stopped: {0}")]
    Pools(String),
}

/// Runs the relay and the pools. Returns when `shutdown` resolves (after in-flight jobs finish),
/// or with an error when the pools die, so a supervisor restarts the process.
pub async fn run(
    pool: PgPool,
    redis_url: &str,
    config: PoolConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RuntimeError> {
    let conn = storage::connect(redis_url).await?;
    let relay = tokio::spawn(Relay::new(pool.clone(), conn.clone(), &config.namespace).run(Duration::from_millis(100)));
    tracing::info!(queues = ?config.queues.iter().map(|q| q.name()).collect::<Vec<_>>(), concurrency = config.concurrency, "worker pools starting");
    let result = pool::run(pool, conn, config, shutdown).await;
    relay.abort();
    result.map_err(|e| RuntimeError::Pools(e.to_string()))
}
