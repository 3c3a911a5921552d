//! `groupbuy bench jobs`: enqueue-and-process throughput of the worker runtime, with no-op jobs
//! and with real lifecycle jobs, through a queue namespace of its own.

use crate::storage;
use apalis::prelude::*;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use workflows::jobs::{self, Job, JobContext};

#[derive(Debug, Clone)]
pub struct JobsReport {
    pub kind: &'static str,
    pub jobs: usize,
    pub workers: usize,
    pub concurrency: usize,
    pub batch: usize,
    /// Pushing all jobs (in bulk batches).
    pub enqueue: Duration,
    /// First push to last job finished.
    pub total: Duration,
    pub start_p50: Duration,
    pub start_p99: Duration,
    /// The most tasks one worker held at once (its inflight set in Redis: fetched and not yet
    /// acknowledged), sampled every few milliseconds.
    pub peak_held: usize,
}

impl JobsReport {
    pub fn jobs_per_sec(&self) -> f64 {
        self.jobs as f64 / self.total.as_secs_f64()
    }
}

/// What a bench job carries: which real job to run (none for a no-op) and when it was queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BenchJob {
    queued_at_us: u64,
    job: Option<Job>,
}

fn now_us() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_micros() as u64
}

#[derive(Clone)]
struct Tally {
    done: Arc<AtomicUsize>,
    starts: Arc<Mutex<Histogram<u64>>>,
    jobs: Option<JobContext>,
}

async fn handle(task: BenchJob, tally: Data<Tally>) -> Result<(), BoxDynError> {
    let waited = now_us().saturating_sub(task.queued_at_us);
    if let Ok(mut h) = tally.starts.lock() {
        let _ = h.record(waited.max(1));
    }
    if let (Some(job), Some(ctx)) = (&task.job, &tally.jobs) {
        jobs::run(ctx, job).await.map_err(|e| AbortError::new(e.to_string()))?;
    }
    tally.done.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// Pushes `jobs` bench jobs (each running `job(i)` when given) and processes them with
/// `workers` workers of `concurrency` each, fetching up to `batch` per poll every `poll`;
/// reports throughput (to the last acknowledgement) and enqueue-to-start latency.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    redis_url: &str,
    kind: &'static str,
    jobs_n: usize,
    workers: usize,
    concurrency: usize,
    batch: usize,
    poll: Duration,
    jobs: Option<JobContext>,
    job: impl Fn(usize) -> Option<Job>,
) -> Result<JobsReport, BoxDynError> {
    let conn = storage::connect(redis_url).await?;
    let queue = format!("gbbench:{}:{kind}", uuid::Uuid::new_v4().simple());
    // Exactly what production queues run with.
    let backend: storage::Storage<BenchJob> = storage::named_storage(conn.clone(), queue.clone(), batch);
    let tally = Tally {
        done: Arc::new(AtomicUsize::new(0)),
        starts: Arc::new(Mutex::new(Histogram::new_with_bounds(1, 600_000_000, 3)?)),
        jobs,
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut monitor = Monitor::new();
    for index in 0..workers {
        let (backend, tally) = (backend.clone(), tally.clone());
        monitor = monitor.register(move |restarts| {
            WorkerBuilder::new(format!("bench-{index}-{}-{restarts}", crate::pool::process_tag()))
                .backend(backend.clone().poll_with_interval(poll))
                .concurrency(concurrency)
                .data(tally.clone())
                .build(handle)
        });
    }
    let monitor = tokio::spawn(monitor.shutdown_timeout(Duration::from_secs(10)).run_with_signal(async move {
        let _ = stop_rx.await;
        Ok(())
    }));

    let started = Instant::now();
    let mut sink = backend.clone();
    for chunk_start in (0..jobs_n).step_by(1000) {
        let chunk: Vec<BenchJob> = (chunk_start..(chunk_start + 1000).min(jobs_n))
            .map(|i| BenchJob { queued_at_us: now_us(), job: job(i) })
            .collect();
        sink.push_bulk(chunk).await.map_err(|e| format!("push: {e}"))?;
    }
    let enqueue = started.elapsed();
    // Finished means acknowledged in Redis (in the done set), not merely run: acks are batched.
    let mut redis = conn.clone();
    let mut peak_held = 0;
    loop {
        peak_held = peak_held.max(most_held(&mut redis, &queue).await?);
        let acked: usize = if tally.done.load(Ordering::Relaxed) < jobs_n {
            0
        } else {
            redis::AsyncCommands::scard(&mut redis, format!("{queue}:done")).await?
        };
        if acked >= jobs_n {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err("bench jobs did not finish within 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let total = started.elapsed();
    // Leave nothing behind in Redis.
    storage::forget(&mut redis, &queue).await?;
    let _ = stop_tx.send(());
    let _ = monitor.await;
    let starts = tally.starts.lock().map_err(|_| "histogram poisoned")?;
    Ok(JobsReport {
        kind,
        jobs: jobs_n,
        workers,
        concurrency,
        batch,
        enqueue,
        total,
        start_p50: Duration::from_micros(starts.value_at_quantile(0.50)),
        start_p99: Duration::from_micros(starts.value_at_quantile(0.99)),
        peak_held,
    })
}

/// The size of the largest inflight set among `queue`'s workers.
async fn most_held(redis: &mut apalis_redis::ConnectionManager, queue: &str) -> redis::RedisResult<usize> {
    use redis::AsyncCommands;
    let workers: Vec<String> = redis.zrange(format!("{queue}:workers"), 0, -1).await?;
    let mut most = 0;
    for worker in workers {
        most = most.max(redis.scard(format!("{queue}:inflight:{worker}")).await?);
    }
    Ok(most)
}
