//! Worker pools: one apalis worker per queue, each running up to `concurrency` jobs at once.

use crate::Queue;
use crate::storage;
use apalis::prelude::*;
use apalis_redis::ConnectionManager;
use sqlx::PgPool;
use std::time::Duration;
use workflows::jobs::{self, Job, JobError};

#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub queues: Vec<Queue>,
    pub concurrency: usize,
    /// How often an idle worker asks Redis for work. A plain storage only polls on heartbeat.
    pub poll_interval: Duration,
    /// Attempts before a job that keeps failing goes to the dead-letter set.
    pub max_attempts: usize,
    /// Prefix of every Redis key.
    pub namespace: String,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            queues: Queue::ALL.to_vec(),
            concurrency: 8,
            poll_interval: Duration::from_millis(200),
            max_attempts: 8,
            namespace: "groupbuy".into(),
        }
    }
}

/// The worker's name must be new for every incarnation: apalis-redis refuses a name it saw
/// alive within the heartbeat window, and two live workers sharing one hide each other's orphans.
fn worker_name(queue: Queue, restarts: usize) -> String {
    format!("{}-{}-{restarts}", queue.name(), process_tag())
}

/// What every worker name of this process incarnation contains: host, pid and start time.
pub fn process_tag() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
    format!("{host}-{}-{}", std::process::id(), *INCARNATION)
}

static INCARNATION: std::sync::LazyLock<u128> = std::sync::LazyLock::new(|| {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis()
});

/// What the handler needs besides the job.
#[derive(Clone)]
struct Context {
    pool: PgPool,
    max_attempts: usize,
}

async fn handle(job: Job, ctx: Data<Context>, attempt: Attempt) -> Result<(), BoxDynError> {
    match jobs::run(&ctx.pool, &job).await {
        Ok(()) => Ok(()),
        Err(JobError::Permanent(e)) => {
            tracing::error!(task = job.task_id(), error = %e, "job failed permanently: dead-lettered");
            Err(AbortError::new(e).into())
        }
        Err(JobError::Retry(e)) if attempt.current() + 1 >= ctx.max_attempts => {
            tracing::error!(task = job.task_id(), attempts = attempt.current() + 1, error = %e, "job out of attempts: dead-lettered");
            Err(AbortError::new(e).into())
        }
        Err(JobError::Retry(e)) => {
            // We ask for exponential back-off with jitter, but apalis-redis 1.0's result script
            // ignores the requested delay and reschedules at `now + attempt` seconds; the cap
            // above still bounds the attempts. (A follow-up re-pushes retries ourselves.)
            let delay = backoff(attempt.current(), &job.task_id());
            tracing::warn!(task = job.task_id(), attempt = attempt.current() + 1, asked_delay = ?delay, error = %e, "job failed; retrying");
            Err(RetryAfterError::new(e, delay).into())
        }
    }
}

/// Exponential back-off (1 s, 2 s, 4 s … up to 5 min) with ±50 % random jitter, so jobs that
/// failed together do not retry together.
pub fn backoff(attempt: usize, task_id: &str) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let base = Duration::from_secs(1).saturating_mul(1 << attempt.min(9)).min(Duration::from_secs(300));
    let noise = RandomState::new().hash_one((task_id, attempt)) % 1000; // 0..999 per mille
    base.mul_f64(0.5 + noise as f64 / 1000.0)
}

/// Runs pools for the configured queues until `shutdown` resolves; in-flight jobs get 30 s to
/// finish. A worker that errors (a Redis failure) is restarted under a new name.
pub async fn run(
    pool: PgPool,
    conn: ConnectionManager,
    config: PoolConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), MonitorError> {
    let ctx = Context { pool, max_attempts: config.max_attempts };
    let mut monitor = Monitor::new();
    for queue in config.queues.iter().copied() {
        let backend = storage::storage(conn.clone(), &config.namespace, queue, config.concurrency.max(1));
        let (ctx, concurrency, poll) = (ctx.clone(), config.concurrency, config.poll_interval);
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(worker_name(queue, restarts))
                .backend(backend.clone().poll_with_interval(poll))
                .enable_tracing()
                .catch_panic()
                .concurrency(concurrency)
                .data(ctx.clone())
                .build(handle)
        });
    }
    monitor
        .should_restart(|worker, error| {
            tracing::warn!(worker = worker.name(), %error, "worker stopped; restarting");
            true
        })
        .shutdown_timeout(Duration::from_secs(30))
        .run_with_signal(async move {
            shutdown.await;
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        for attempt in 0..20 {
            let d = backoff(attempt, "capture:participant:1");
            let base = Duration::from_secs(1).saturating_mul(1 << attempt.min(9)).min(Duration::from_secs(300));
            assert!(d >= base / 2 && d <= base * 3 / 2, "{attempt}: {d:?}");
        }
    }
}
