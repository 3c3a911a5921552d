//! Dead letters for staff: search, retry and discard, one job or all that match. The queues live
//! in Redis, outside any database transaction, so each action's audit row is recorded after the
//! Redis action succeeded (a failure in between leaves the change done and unlogged, never a log
//! of something that did not happen).

use crate::error::{DomainError, DomainResult};
use crate::jobs::admin::{DeadJobView, QueueAdmin, QueueAdminError};
use crate::staff::Operator;
use crate::staff::audit::{self, Change};
use serde_json::{Value, json};
use sqlx::PgPool;

/// Most task ids an audit row lists (the count is always whole).
const LOGGED_IDS: usize = 100;

impl From<QueueAdminError> for DomainError {
    fn from(e: QueueAdminError) -> Self {
        match e {
            QueueAdminError::UnknownQueue(_) => DomainError::invalid("queue", e.to_string()),
            QueueAdminError::NotDead(id) => DomainError::not_found("dead job", id),
            QueueAdminError::Backend(_) => {
                tracing::error!(error = %e, "queue backend");
                DomainError::unavailable("the job queues are unreachable")
            }
        }
    }
}

/// The dead jobs of `queue` whose task id, payload or error contains `search`.
pub async fn dead(queues: &dyn QueueAdmin, queue: &str, search: Option<&str>) -> DomainResult<Vec<DeadJobView>> {
    let all = queues.dead(queue.to_string()).await?;
    Ok(all.into_iter().filter(|job| search.is_none_or(|s| job.matches(s))).collect())
}

/// The jobs an action applies to: the one named (404 if it is not dead), or all that match.
async fn chosen(
    queues: &dyn QueueAdmin,
    queue: &str,
    task_id: Option<&str>,
    search: Option<&str>,
) -> DomainResult<Vec<DeadJobView>> {
    let matching = dead(queues, queue, search).await?;
    match task_id {
        Some(id) => {
            let one: Vec<DeadJobView> = matching.into_iter().filter(|j| j.task_id == id).collect();
            if one.is_empty() {
                return Err(DomainError::not_found("dead job", id));
            }
            Ok(one)
        }
        None => Ok(matching),
    }
}

fn logged(jobs: &[DeadJobView]) -> Value {
    let shown: Vec<Value> =
        jobs.iter().take(LOGGED_IDS).map(|j| json!({ "task_id": j.task_id, "job": j.job, "error": j.error })).collect();
    json!({ "count": jobs.len(), "jobs": shown })
}

async fn record(
    pool: &PgPool,
    operator: Operator,
    action: &str,
    queue: &str,
    task_id: Option<&str>,
    before: Value,
    after: Value,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let entity_id = task_id.map_or_else(|| queue.to_string(), str::to_string);
    let change = Change { action, entity: "job", entity_id, before: Some(before), after: Some(after) };
    audit::record(&mut tx, operator, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts the named dead job, or every dead job of `queue`, back to work; returns how many.
pub async fn retry(
    pool: &PgPool,
    queues: &dyn QueueAdmin,
    operator: Operator,
    queue: &str,
    task_id: Option<&str>,
) -> DomainResult<u64> {
    let jobs = chosen(queues, queue, task_id, None).await?;
    let mut requeued = Vec::with_capacity(jobs.len());
    for job in &jobs {
        match queues.retry(queue.to_string(), job.task_id.clone()).await {
            Ok(new_id) => requeued.push(new_id),
            // retried meanwhile by someone else: nothing left to do for it
            Err(QueueAdminError::NotDead(_)) if task_id.is_none() => {}
            Err(e) => return Err(e.into()),
        }
    }
    // after Redis: see the module's note
    let after = json!({ "queue": queue, "affected": requeued.len(),
                        "new_task_ids": requeued.iter().take(LOGGED_IDS).collect::<Vec<_>>() });
    record(pool, operator, "job.retry", queue, task_id, logged(&jobs), after).await?;
    Ok(requeued.len() as u64)
}

/// Puts one dead job back to work (the original `jobs/retry` route); returns the task id it runs
/// under now.
pub async fn retry_one(
    pool: &PgPool,
    queues: &dyn QueueAdmin,
    operator: Operator,
    queue: &str,
    task_id: &str,
) -> DomainResult<String> {
    let jobs = chosen(queues, queue, Some(task_id), None).await?;
    let new_id = queues.retry(queue.to_string(), task_id.to_string()).await?;
    // after Redis: see the module's note
    let after = json!({ "queue": queue, "affected": 1, "new_task_ids": [new_id] });
    record(pool, operator, "job.retry", queue, Some(task_id), logged(&jobs), after).await?;
    Ok(new_id)
}

/// Forgets the named dead job, or every dead job of `queue` matching `search` (all without
/// one); returns how many.
pub async fn discard(
    pool: &PgPool,
    queues: &dyn QueueAdmin,
    operator: Operator,
    queue: &str,
    task_id: Option<&str>,
    search: Option<&str>,
) -> DomainResult<u64> {
    let jobs = chosen(queues, queue, task_id, search).await?;
    let mut affected = 0u64;
    for job in &jobs {
        match queues.discard(queue.to_string(), job.task_id.clone()).await {
            Ok(()) => affected += 1,
            Err(QueueAdminError::NotDead(_)) if task_id.is_none() => {}
            Err(e) => return Err(e.into()),
        }
    }
    // after Redis: see the module's note
    let after = json!({ "queue": queue, "affected": affected, "search": search });
    record(pool, operator, "job.discard", queue, task_id, logged(&jobs), after).await?;
    Ok(affected)
}
