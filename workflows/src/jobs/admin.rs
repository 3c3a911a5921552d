//! The port through which the API shows staff the job queues. The worker runtime implements it
//! (it knows the Redis layout); the API only sees this trait.

use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueueCounts {
    pub queue: String,
    pub waiting: u64,
    pub scheduled: u64,
    pub running: u64,
    pub done: u64,
    pub dead: u64,
    pub workers: u64,
    /// Runs that failed and were queued again, since the queue began.
    pub retried: u64,
    /// Jobs finished per second over the last minute and the last five.
    pub throughput_1m: f64,
    pub throughput_5m: f64,
    /// From due to started.
    pub wait: Latency,
    /// From started to finished.
    pub run: Latency,
}

/// A latency histogram summed over every worker: cumulative counts per upper bound (seconds),
/// as Prometheus wants them; the last bound is infinite.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Latency {
    pub bounds: Vec<f64>,
    pub cumulative: Vec<u64>,
    pub sum_seconds: f64,
    pub count: u64,
}

impl Latency {
    /// The upper bound of the bucket holding quantile `q` (None without data, or in +Inf).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let rank = (q * self.count as f64).ceil().max(1.0) as u64;
        let i = self.cumulative.iter().position(|&c| c >= rank)?;
        self.bounds.get(i).copied()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadJobView {
    pub task_id: String,
    pub job: serde_json::Value,
    pub attempts: Option<String>,
    pub error: Option<String>,
}

impl DeadJobView {
    /// Whether `search` (case-insensitive) appears in the task id, the job's JSON or the error.
    pub fn matches(&self, search: &str) -> bool {
        let search = search.trim().to_lowercase();
        search.is_empty()
            || self.task_id.to_lowercase().contains(&search)
            || self.job.to_string().to_lowercase().contains(&search)
            || self.error.as_deref().is_some_and(|e| e.to_lowercase().contains(&search))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueueAdminError {
    #[error("unknown queue '{0}'")]
    UnknownQueue(String),
    #[error("no dead job '{0}' in that queue")]
    NotDead(String),
    #[error("queue backend: {0}")]
    Backend(String),
}

pub type AdminFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, QueueAdminError>> + Send + 'a>>;

pub trait QueueAdmin: Send + Sync {
    fn stats(&self) -> AdminFuture<'_, Vec<QueueCounts>>;
    fn dead(&self, queue: String) -> AdminFuture<'_, Vec<DeadJobView>>;
    /// Re-queues a dead job; returns the task id it runs under now.
    fn retry(&self, queue: String, task_id: String) -> AdminFuture<'_, String>;
    /// Forgets a dead job for good (its id, payload and metadata); `NotDead` if it is not there.
    fn discard(&self, queue: String, task_id: String) -> AdminFuture<'_, ()>;
}
