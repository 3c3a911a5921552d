//! What staff need to see and do with the queues: counts per state, the dead-letter set, and
//! putting a dead job back to work. Reads the apalis-redis 1.0 layout directly:
//! `{queue}:active` (list), `:scheduled` (sorted set), `:inflight:{worker}`, `:done` and `:dead`
//! (sets), `:data` (id → payload) and `:meta:{id}` (status, attempts, last result).

use crate::Queue;
use crate::storage;
use apalis::prelude::{TaskBuilder, TaskId, TaskSink};
use apalis_core::task::metadata::MetadataStore;
use apalis_redis::ConnectionManager;
use redis::AsyncCommands;
use workflows::jobs::Job;

use crate::metrics;
pub use workflows::jobs::admin::{DeadJobView as DeadJob, Latency, QueueCounts as QueueStats};

fn key(namespace: &str, queue: Queue, suffix: &str) -> String {
    format!("{namespace}:{}:{suffix}", queue.name())
}

pub async fn stats(conn: &mut ConnectionManager, namespace: &str) -> redis::RedisResult<Vec<QueueStats>> {
    let now = chrono::Utc::now().timestamp();
    let window = (storage::HEARTBEAT * storage::MISSED_HEARTBEATS as u32).as_secs() as i64;
    let mut all = Vec::new();
    for queue in Queue::ALL {
        let workers: Vec<String> = conn.zrangebyscore(key(namespace, queue, "workers"), now - window, "+inf").await?;
        let mut running = 0;
        for worker in &workers {
            running += conn.scard::<_, u64>(format!("{}:{worker}", key(namespace, queue, "inflight"))).await?;
        }
        all.push(QueueStats {
            queue: queue.name().to_string(),
            waiting: conn.llen(key(namespace, queue, "active")).await?,
            scheduled: conn.zcard(key(namespace, queue, "scheduled")).await?,
            running,
            done: conn.scard(key(namespace, queue, "done")).await?,
            dead: conn.scard(key(namespace, queue, "dead")).await?,
            workers: workers.len() as u64,
            ..recorded(conn, namespace, queue, now).await?
        });
    }
    Ok(all)
}

/// What the workers' metrics recorded for `queue` (see [`crate::metrics`]).
async fn recorded(
    conn: &mut ConnectionManager,
    namespace: &str,
    queue: Queue,
    now: i64,
) -> redis::RedisResult<QueueStats> {
    let fields: std::collections::HashMap<String, u64> = conn.hgetall(metrics::metrics_key(namespace, queue)).await?;
    let field = |name: &str| fields.get(name).copied().unwrap_or(0);
    let latency = |name: &str| {
        let mut cumulative = Vec::with_capacity(metrics::BUCKETS.len() + 1);
        let mut total = 0;
        for i in 0..=metrics::BUCKETS.len() {
            total += field(&format!("{name}_b{i}"));
            cumulative.push(total);
        }
        Latency {
            bounds: metrics::BUCKETS.iter().copied().chain([f64::INFINITY]).collect(),
            cumulative,
            sum_seconds: field(&format!("{name}_sum_us")) as f64 / 1e6,
            count: field(&format!("{name}_count")),
        }
    };
    // The current minute counts for the seconds it has run.
    let minute = now / 60;
    let keys: Vec<String> = (0..5).map(|back| metrics::finished_key(namespace, queue, minute - back)).collect();
    let finished: Vec<Option<u64>> = conn.mget(&keys).await?;
    let finished: Vec<u64> = finished.into_iter().map(Option::unwrap_or_default).collect();
    let into_minute = (now % 60 + 1) as f64;
    Ok(QueueStats {
        queue: queue.name().to_string(),
        waiting: 0,
        scheduled: 0,
        running: 0,
        done: 0,
        dead: 0,
        workers: 0,
        retried: field("retried"),
        throughput_1m: (finished[0] + finished[1]) as f64 / (60.0 + into_minute),
        throughput_5m: finished.iter().sum::<u64>() as f64 / (240.0 + into_minute),
        wait: latency("wait"),
        run: latency("run"),
    })
}

pub async fn dead(conn: &mut ConnectionManager, namespace: &str, queue: Queue) -> redis::RedisResult<Vec<DeadJob>> {
    let ids: Vec<String> = conn.smembers(key(namespace, queue, "dead")).await?;
    let mut jobs = Vec::with_capacity(ids.len());
    for task_id in ids {
        let payload: Option<String> = conn.hget(key(namespace, queue, "data"), &task_id).await?;
        let meta = format!("{}:{task_id}", key(namespace, queue, "meta"));
        let (attempts, error): (Option<String>, Option<String>) =
            redis::cmd("HMGET").arg(&meta).arg("attempts").arg("result").query_async(conn).await?;
        let job = payload.and_then(|p| serde_json::from_str(&p).ok()).unwrap_or(serde_json::Value::Null);
        jobs.push(DeadJob { task_id, job, attempts, error });
    }
    jobs.sort_by(|a, b| a.task_id.cmp(&b.task_id));
    Ok(jobs)
}

#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no dead job '{0}' in that queue")]
    NotDead(String),
    #[error("the job's payload is unreadable: {0}")]
    Unreadable(String),
    #[error("redis: {0}")]
    Redis(String),
}

/// Puts a dead job back on its queue with a fresh attempt count, under a new task id
/// (`{root}~m{millis}`), and only then forgets the dead run, so a failure in between leaves the
/// job dead (retry again) rather than lost. Returns the new task id.
pub async fn retry(
    conn: &mut ConnectionManager,
    namespace: &str,
    queue: Queue,
    task_id: &str,
) -> Result<String, RetryError> {
    let redis_err = |e: redis::RedisError| RetryError::Redis(e.to_string());
    // Only these reads are tried again on a lost connection (the first command after a Redis
    // restart fails so). The push below is not: each try makes a new task id, so repeating it
    // after a connection broke mid-way could queue the job twice; that failure is reported and
    // leaves the job dead, for staff to retry knowingly.
    let (dead, data) = (&key(namespace, queue, "dead"), &key(namespace, queue, "data"));
    let (is_dead, payload): (bool, Option<String>) = storage::read_retrying(conn, |mut conn| async move {
        redis::pipe().sismember(dead, task_id).hget(data, task_id).query_async(&mut conn).await
    })
    .await
    .map_err(redis_err)?;
    if !is_dead {
        return Err(RetryError::NotDead(task_id.into()));
    }
    let job: Job =
        serde_json::from_str(payload.as_deref().unwrap_or("")).map_err(|e| RetryError::Unreadable(e.to_string()))?;
    let root = task_id.split('~').next().unwrap_or(task_id);
    let new_id = format!("{root}~m{}", chrono::Utc::now().timestamp_millis());
    let mut storage = storage::storage(conn.clone(), namespace, queue, 1);
    let mut meta = MetadataStore::new();
    let _ = meta.insert(crate::pool::DUE_AT_MS, chrono::Utc::now().timestamp_millis().to_string());
    let task = TaskBuilder::new(job).task_id(TaskId::from_string(new_id.clone())).with_metadata(meta).build();
    storage.push_task(task).await.map_err(|e| RetryError::Redis(e.to_string()))?;
    redis::pipe()
        .atomic()
        .srem(key(namespace, queue, "dead"), task_id)
        .hdel(key(namespace, queue, "data"), task_id)
        .del(format!("{}:{task_id}", key(namespace, queue, "meta")))
        .query_async::<()>(conn)
        .await
        .map_err(redis_err)?;
    Ok(new_id)
}

/// Forgets a dead job: its id in the dead set, its payload and its metadata, at once. Returns
/// whether it was dead.
pub async fn discard(
    conn: &mut ConnectionManager,
    namespace: &str,
    queue: Queue,
    task_id: &str,
) -> redis::RedisResult<bool> {
    let (removed, _, _): (u64, u64, u64) = redis::pipe()
        .atomic()
        .srem(key(namespace, queue, "dead"), task_id)
        .hdel(key(namespace, queue, "data"), task_id)
        .del(format!("{}:{task_id}", key(namespace, queue, "meta")))
        .query_async(conn)
        .await?;
    Ok(removed == 1)
}

/// Deletes finished (done) jobs older than `retention` from every queue: their ids, payloads
/// and metadata. apalis-redis keeps them forever otherwise. Dead jobs stay for staff. Returns
/// how many were removed. Safe to run from several processes at once.
pub async fn vacuum(
    conn: &mut ConnectionManager,
    namespace: &str,
    retention: std::time::Duration,
) -> redis::RedisResult<usize> {
    let cutoff = chrono::Utc::now().timestamp() - retention.as_secs() as i64;
    let mut removed = 0;
    for queue in Queue::ALL {
        let done = key(namespace, queue, "done");
        let mut cursor: u64 = 0;
        loop {
            let (next, ids): (u64, Vec<String>) =
                redis::cmd("SSCAN").arg(&done).arg(cursor).arg("COUNT").arg(500).query_async(conn).await?;
            for id in ids {
                let meta = format!("{}:{id}", key(namespace, queue, "meta"));
                let done_at: Option<i64> = conn.hget(&meta, "done_at").await?;
                if done_at.is_some_and(|at| at <= cutoff) {
                    redis::pipe()
                        .srem(&done, &id)
                        .hdel(key(namespace, queue, "data"), &id)
                        .del(&meta)
                        .query_async::<()>(conn)
                        .await?;
                    removed += 1;
                }
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
    }
    Ok(removed)
}

/// The staff view of the queues, for the API, on a [`storage::connect_for_reads`] connection.
/// Its reads survive a Redis restart ([`storage::read_retrying`]).
pub struct RedisQueueAdmin {
    conn: ConnectionManager,
    namespace: String,
}

impl RedisQueueAdmin {
    pub fn new(conn: ConnectionManager, namespace: impl Into<String>) -> Self {
        Self { conn, namespace: namespace.into() }
    }
}

use workflows::jobs::admin::{AdminFuture, DeadJobView, QueueAdmin, QueueAdminError, QueueCounts};

fn backend(e: impl std::fmt::Display) -> QueueAdminError {
    QueueAdminError::Backend(e.to_string())
}

fn queue_named(name: &str) -> Result<Queue, QueueAdminError> {
    Queue::parse(name).map_err(|_| QueueAdminError::UnknownQueue(name.into()))
}

impl QueueAdmin for RedisQueueAdmin {
    fn stats(&self) -> AdminFuture<'_, Vec<QueueCounts>> {
        Box::pin(async move {
            storage::read_retrying(&self.conn, |mut conn| async move { stats(&mut conn, &self.namespace).await })
                .await
                .map_err(backend)
        })
    }

    fn dead(&self, queue: String) -> AdminFuture<'_, Vec<DeadJobView>> {
        Box::pin(async move {
            let queue = queue_named(&queue)?;
            storage::read_retrying(&self.conn, |mut conn| async move { dead(&mut conn, &self.namespace, queue).await })
                .await
                .map_err(backend)
        })
    }

    fn retry(&self, queue: String, task_id: String) -> AdminFuture<'_, String> {
        Box::pin(async move {
            let queue = queue_named(&queue)?;
            retry(&mut self.conn.clone(), &self.namespace, queue, &task_id).await.map_err(|e| match e {
                RetryError::NotDead(id) => QueueAdminError::NotDead(id),
                other => backend(other),
            })
        })
    }

    fn discard(&self, queue: String, task_id: String) -> AdminFuture<'_, ()> {
        Box::pin(async move {
            let queue = queue_named(&queue)?;
            // Not retried on a lost connection: the caller sees the failure and may ask again.
            match discard(&mut self.conn.clone(), &self.namespace, queue, &task_id).await.map_err(backend)? {
                true => Ok(()),
                false => Err(QueueAdminError::NotDead(task_id)),
            }
        })
    }
}
