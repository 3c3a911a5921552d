//! `jobs/`: the queues (depth, throughput, latency) and their dead letters: search, retry and
//! discard, one job or all that match.

use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult};
use crate::routes::Tag;
use crate::state::AppState;
use crate::wire::admin::Affected;
use crate::wire::admin::jobs::{DeadDiscardIn, DeadRetryIn};
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use std::sync::Arc;
use workflows::DomainError;
use workflows::jobs::admin::{DeadJobView, QueueAdmin, QueueAdminError};

pub struct JobsApi(pub AppState);

/// The queues the workers serve, as the document lists them: the job contract's own names.
pub(crate) fn queue_names() -> Vec<&'static str> {
    workflows::queue::Queue::ALL.iter().map(|q| q.name()).collect()
}

#[derive(Object)]
struct QueueStatsOut {
    queue: String,
    /// Ready to run now.
    waiting: u64,
    /// Delayed (deadlines) or waiting for a retry.
    scheduled: u64,
    running: u64,
    done: u64,
    dead: u64,
    workers: u64,
    /// Failed runs queued again with back-off.
    retried: u64,
    /// Jobs finished per second, over the last minute and the last five.
    throughput_1m: f64,
    throughput_5m: f64,
    /// Due-to-start latency: the upper bound (seconds) of the bucket holding the median / p99.
    #[oai(nullable)]
    wait_p50_seconds: Option<f64>,
    #[oai(nullable)]
    wait_p99_seconds: Option<f64>,
    /// Run time, likewise.
    #[oai(nullable)]
    run_p50_seconds: Option<f64>,
    #[oai(nullable)]
    run_p99_seconds: Option<f64>,
}

#[derive(Object)]
struct DeadJobOut {
    task_id: String,
    job: serde_json::Value,
    #[oai(nullable)]
    attempts: Option<String>,
    /// The error of the last attempt.
    #[oai(nullable)]
    error: Option<String>,
}

#[derive(Object)]
struct RetryRequest {
    #[oai(validator(max_length = 50), deserialize_with = "crate::wire::strict")]
    queue: String,
    #[oai(validator(min_length = 1, max_length = 200), deserialize_with = "crate::wire::strict")]
    task_id: String,
}

#[derive(Object)]
struct Retried {
    /// The dead run that was re-queued.
    task_id: String,
    /// The id it runs under now, with a fresh attempt count.
    new_task_id: String,
    queue: String,
}

impl From<QueueAdminError> for ApiError {
    fn from(e: QueueAdminError) -> Self {
        queue_error(DomainError::from(e))
    }
}

/// A domain error of a queue action; Redis unreachable (even after a reconnect) is a dependency
/// down, not a bug here, and named so.
fn queue_error(e: DomainError) -> ApiError {
    match e {
        DomainError::Unavailable { message } => {
            ApiError::Unavailable(Json(crate::error::ErrorBody { error: message, code: "queues_unavailable".into() }))
        }
        other => other.into(),
    }
}

impl From<DeadJobView> for DeadJobOut {
    fn from(j: DeadJobView) -> Self {
        Self { task_id: j.task_id, job: j.job, attempts: j.attempts, error: j.error }
    }
}

impl JobsApi {
    fn queues(&self, auth: &StaffAuth) -> ApiResult<Arc<dyn QueueAdmin>> {
        auth.operator()?;
        self.0.queues.clone().ok_or_else(|| ApiError::not_found("no job queues are configured on this server"))
    }
}

#[OpenApi(tag = "Tag::Admin")]
impl JobsApi {
    /// Per queue: waiting, scheduled, running, done, dead, live workers, recent throughput and latency.
    #[oai(path = "/admin/jobs/stats", method = "get")]
    async fn stats(&self, auth: StaffAuth) -> ApiResult<Json<Vec<QueueStatsOut>>> {
        let stats = self.queues(&auth)?.stats().await?;
        Ok(Json(
            stats
                .into_iter()
                .map(|s| QueueStatsOut {
                    queue: s.queue,
                    waiting: s.waiting,
                    scheduled: s.scheduled,
                    running: s.running,
                    done: s.done,
                    dead: s.dead,
                    workers: s.workers,
                    retried: s.retried,
                    throughput_1m: s.throughput_1m,
                    throughput_5m: s.throughput_5m,
                    wait_p50_seconds: s.wait.quantile(0.5),
                    wait_p99_seconds: s.wait.quantile(0.99),
                    run_p50_seconds: s.run.quantile(0.5),
                    run_p99_seconds: s.run.quantile(0.99),
                })
                .collect(),
        ))
    }

    /// Jobs that failed for good, with their last error.
    #[oai(path = "/admin/jobs/dead", method = "get")]
    async fn dead(
        &self,
        auth: StaffAuth,
        queue: Query<String>,
        /// Text to find in the task id, the job's JSON or its last error (any case).
        #[oai(validator(max_length = 200))]
        search: Query<Option<String>>,
    ) -> ApiResult<Json<Vec<DeadJobOut>>> {
        let queues = self.queues(&auth)?;
        let jobs =
            workflows::admin::jobs::dead(queues.as_ref(), &queue.0, search.0.as_deref()).await.map_err(queue_error)?;
        Ok(Json(jobs.into_iter().map(Into::into).collect()))
    }

    /// Put a dead job back on its queue (audited).
    #[oai(path = "/admin/jobs/retry", method = "post")]
    async fn retry(&self, auth: StaffAuth, body: Json<RetryRequest>) -> ApiResult<Json<Retried>> {
        let RetryRequest { queue, task_id } = body.0;
        let queues = self.queues(&auth)?;
        let new_task_id =
            workflows::admin::jobs::retry_one(&self.0.pool, queues.as_ref(), auth.operator()?, &queue, &task_id)
                .await
                .map_err(queue_error)?;
        Ok(Json(Retried { task_id, new_task_id, queue }))
    }

    /// Put the named dead job, or every dead job of the queue, back to work (audited).
    #[oai(path = "/admin/jobs/dead/retry", method = "post")]
    async fn retry_dead(&self, auth: StaffAuth, body: Json<DeadRetryIn>) -> ApiResult<Json<Affected>> {
        let queues = self.queues(&auth)?;
        let DeadRetryIn { queue, task_id } = body.0;
        let affected =
            workflows::admin::jobs::retry(&self.0.pool, queues.as_ref(), auth.operator()?, &queue, task_id.as_deref())
                .await
                .map_err(queue_error)?;
        Ok(Json(Affected { affected }))
    }

    /// Forget the named dead job, or every dead job of the queue that matches `search` (all
    /// without it), for good (audited).
    #[oai(path = "/admin/jobs/dead/discard", method = "post")]
    async fn discard_dead(&self, auth: StaffAuth, body: Json<DeadDiscardIn>) -> ApiResult<Json<Affected>> {
        let queues = self.queues(&auth)?;
        let DeadDiscardIn { queue, task_id, search } = body.0;
        let affected = workflows::admin::jobs::discard(
            &self.0.pool,
            queues.as_ref(),
            auth.operator()?,
            &queue,
            task_id.as_deref(),
            search.as_deref(),
        )
        .await
        .map_err(queue_error)?;
        Ok(Json(Affected { affected }))
    }
}
