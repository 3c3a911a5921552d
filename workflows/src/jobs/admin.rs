//! The port through which the API shows staff the job queues. The worker runtime implements it
//! (it knows the Redis layout); the API only sees this trait.

use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueueCounts {
    pub queue: String,
    pub waiting: u64,
    pub scheduled: u64,
    pub running: u64,
    pub done: u64,
    pub dead: u64,
    pub workers: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadJobView {
    pub task_id: String,
    pub job: serde_json::Value,
    pub attempts: Option<String>,
    pub error: Option<String>,
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
    fn retry(&self, queue: String, task_id: String) -> AdminFuture<'_, ()>;
}
