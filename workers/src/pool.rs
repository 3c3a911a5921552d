//! Worker pools: one apalis worker per queue, each running up to `concurrency` jobs at once.

use crate::Queue;
use crate::finished::Finished;
use crate::metrics::{Outcome, Recorder};
use crate::storage;
use apalis::prelude::*;
use apalis_core::task::metadata::MetadataStore;
use apalis_redis::ConnectionManager;
use std::time::Duration;
use workflows::jobs::{self, Job, JobContext, JobError};

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

/// How many tasks a worker takes from Redis per fetch: as many as it runs at once. It asks for
/// the next batch when the last one has been handed out, so it holds at most this many waiting
/// plus `concurrency` running (or finished and not yet acknowledged), all of which go back to the
/// queue if it dies.
pub fn fetch_batch(concurrency: usize) -> usize {
    concurrency.max(1)
}

/// The worker's name must be new for every incarnation: apalis-redis refuses a name it saw
/// alive within the heartbeat window, and two live workers sharing one hide each other's orphans.
fn worker_name(queue: Queue, restarts: usize) -> String {
    format!("{}-{}-{restarts}", queue.name(), process_tag())
}

static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Names this host in worker names (`HOSTNAME`, read by the binary at start-up), once.
pub fn configure_host(host: Option<String>) {
    let _ = HOST.set(host.unwrap_or_else(|| "local".into()));
}

/// What every worker name of this process incarnation contains: host, pid and start time.
pub fn process_tag() -> String {
    let host = HOST.get().map_or("local", String::as_str);
    format!("{host}-{}-{}", std::process::id(), *INCARNATION)
}

static INCARNATION: std::sync::LazyLock<u128> = std::sync::LazyLock::new(|| {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis()
});

/// What the handler needs besides the job.
#[derive(Clone)]
struct Context {
    jobs: JobContext,
    queue: Queue,
    max_attempts: usize,
    metrics: Recorder,
    finished: Finished,
    /// Where the catalogue's version is incremented after a job that may change what it shows.
    redis: ConnectionManager,
    namespace: String,
}

/// The metadata key under which the relay records when a task became due (ms since the epoch).
pub const DUE_AT_MS: &str = "due_at_ms";

async fn handle(
    job: Job,
    ctx: Data<Context>,
    attempt: Attempt,
    task_id: TaskId,
    meta: MetadataStore,
) -> Result<(), BoxDynError> {
    let started = std::time::Instant::now();
    let wait = meta.get(DUE_AT_MS).and_then(|due| due.parse::<i64>().ok()).map(|due| {
        let waited = chrono::Utc::now().timestamp_millis() - due;
        Duration::from_millis(waited.max(0) as u64)
    });
    let task_id = task_id.to_string();
    // Runs before this one: retries queued through the outbox, plus earlier runs of this very
    // task (an orphan taken over from a dead worker, or apalis's own fallback retry). apalis
    // counts the current run in `attempt` already (1 on a first run).
    let runs_before = jobs::retries_before(&task_id) + attempt.current().saturating_sub(1);
    let (outcome, result) = match jobs::run(&ctx.jobs, &job).await {
        Ok(()) => (Outcome::Succeeded, Ok(())),
        Err(JobError::Permanent(e)) => {
            tracing::error!(task = task_id, error = %e, "job failed permanently: dead-lettered");
            (Outcome::Dead, Err(AbortError::new(e).into()))
        }
        Err(JobError::Retry(e)) if runs_before + 1 >= ctx.max_attempts => {
            tracing::error!(task = task_id, attempts = runs_before + 1, error = %e, "job out of attempts: dead-lettered");
            (Outcome::Dead, Err(AbortError::new(e).into()))
        }
        Err(JobError::Retry(e)) => (Outcome::Retried, retry_later(&ctx, &job, &task_id, runs_before, e).await),
    };
    ctx.metrics.record(ctx.queue, wait, started.elapsed(), outcome);
    if outcome == Outcome::Succeeded && workflows::catalogue_version::changed_by(&job) {
        workflows::catalogue_version::bump(&ctx.redis, &ctx.namespace).await;
    }
    // An error left here is apalis's own retry of this very task: it runs again from Redis, so
    // its row is not finished (and is pushed again should Redis lose it).
    if result.is_ok() || outcome == Outcome::Dead {
        ctx.finished.record(task_id);
    }
    result
}

/// Queues the next attempt through the outbox, due after an exponential back-off with jitter
/// (apalis-redis 1.0's own retry ignores the asked delay and comes back after `attempt`
/// seconds). When even that write fails (the database is what failed), falls back to apalis's
/// retry, which the attempt cap still bounds.
async fn retry_later(
    ctx: &Context,
    job: &Job,
    task_id: &str,
    runs_before: usize,
    error: String,
) -> Result<(), BoxDynError> {
    let delay = backoff(runs_before, task_id);
    let retry_id = jobs::retry_task_id(task_id, runs_before + 1);
    let due = chrono::Utc::now() + delay;
    let queued = async {
        let mut tx = ctx.jobs.pool.begin().await?;
        workflows::outbox::enqueue_retry(&mut tx, job, &retry_id, due).await?;
        tx.commit().await
    };
    match queued.await {
        Ok(()) => {
            tracing::warn!(task = task_id, retry = retry_id, ?delay, error, "job failed; retry queued");
            Ok(())
        }
        Err(db) => {
            tracing::warn!(task = task_id, error, queue_error = %db, "job failed; retrying through the queue");
            Err(RetryAfterError::new(error, delay).into())
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
    jobs: JobContext,
    conn: ConnectionManager,
    config: PoolConfig,
    metrics: Recorder,
    finished: Finished,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), MonitorError> {
    let mut monitor = Monitor::new();
    for queue in config.queues.iter().copied() {
        let backend = storage::storage(conn.clone(), &config.namespace, queue, fetch_batch(config.concurrency));
        let ctx = Context {
            jobs: jobs.clone(),
            queue,
            max_attempts: config.max_attempts,
            metrics: metrics.clone(),
            finished: finished.clone(),
            redis: conn.clone(),
            namespace: config.namespace.clone(),
        };
        let (concurrency, poll) = (config.concurrency, config.poll_interval);
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
