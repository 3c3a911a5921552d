//! `jobs/`: queue statistics and the dead letters.

use super::{ApiError, url};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct QueueStats {
    pub queue: String,
    pub waiting: u64,
    pub scheduled: u64,
    pub running: u64,
    pub done: u64,
    pub dead: u64,
    pub workers: u64,
    pub retried: u64,
    pub throughput_1m: f64,
    pub throughput_5m: f64,
}

impl QueueStats {
    /// Jobs not finished: ready, delayed and running.
    pub fn depth(&self) -> u64 {
        self.waiting + self.scheduled + self.running
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct DeadJob {
    pub queue: String,
    pub task_id: String,
    pub job: serde_json::Value,
    pub attempts: Option<String>,
    pub error: Option<String>,
}

/// The dead letters as a plain list or as a page, whichever the server sends.
#[derive(Deserialize)]
#[serde(untagged)]
enum DeadList {
    Plain(Vec<DeadJob>),
    Paged { results: Vec<DeadJob> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadSelection {
    pub queue: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Affected {
    pub affected: u64,
}

pub async fn stats() -> Result<Vec<QueueStats>, ApiError> {
    web_kit::http::get(&url("jobs/stats/"), &[]).await
}

pub async fn dead(queue: &str, search: &str) -> Result<Vec<DeadJob>, ApiError> {
    let params = [("queue".to_owned(), queue.to_owned()), ("search".to_owned(), search.to_owned())];
    let params: Vec<_> = params.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let list: DeadList = web_kit::http::get(&url("jobs/dead/"), &params).await?;
    let mut jobs = match list {
        DeadList::Plain(jobs) | DeadList::Paged { results: jobs } => jobs,
    };
    for job in &mut jobs {
        if job.queue.is_empty() {
            job.queue = queue.to_owned();
        }
    }
    Ok(jobs)
}

pub async fn retry(selection: &DeadSelection) -> Result<Affected, ApiError> {
    web_kit::http::post(&url("jobs/dead/retry/"), selection).await
}

pub async fn discard(selection: &DeadSelection) -> Result<Affected, ApiError> {
    web_kit::http::post(&url("jobs/dead/discard/"), selection).await
}
