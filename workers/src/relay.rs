//! The outbox relay: moves committed outbox rows into their Redis queues.
//!
//! Rows are claimed with `FOR UPDATE SKIP LOCKED`, so any number of relays (one per worker
//! process) share the work; each is pushed under its deterministic task id (a second push of the
//! same id collapses in Redis) and marked sent in the same database transaction. If Redis is
//! down the transaction rolls back and the rows wait for the next round: nothing is lost.
//!
//! A row stays unfinished until a worker has run its job to an end (see `crate::finished`).
//! Every few seconds the relay also asks Redis whether it still holds the tasks of due rows that
//! are sent and unfinished; those it lost (Redis lost entirely, or the last second of its
//! append-only file gone with a kill) are made unsent, and so pushed again.

use crate::Queue;
use crate::storage;
use apalis::prelude::{TaskBuilder, TaskId, TaskSink};
use apalis_core::task::metadata::MetadataStore;
use apalis_redis::ConnectionManager;
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;
use workflows::jobs::Job;
use workflows::outbox;

pub struct Relay {
    pool: PgPool,
    queues: HashMap<Queue, storage::Storage<Job>>,
    batch: i64,
    conn: ConnectionManager,
    namespace: String,
    /// Where the last look for lost tasks stopped (a row id), so each look reads a bounded slice
    /// and the next one goes on from there.
    redrive_from: i64,
}

/// How often the relay looks for pushed tasks that Redis no longer holds.
const REDRIVE_EVERY: Duration = Duration::from_secs(5);
/// Rows looked at per look.
const REDRIVE_BATCH: i64 = 1000;
/// A row is looked at only once it has been due this long: by then the usual job has run and
/// been marked finished, so the look costs little.
const REDRIVE_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(10);

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("redis: {0}")]
    Redis(String),
}

impl Relay {
    pub fn new(pool: PgPool, conn: ConnectionManager, namespace: &str) -> Self {
        let queues = Queue::ALL.iter().map(|q| (*q, storage::storage(conn.clone(), namespace, *q, 1))).collect();
        Self { pool, queues, batch: 500, conn, namespace: namespace.to_string(), redrive_from: 0 }
    }

    /// Pushes one batch; returns how many rows moved.
    pub async fn relay_once(&mut self) -> Result<usize, RelayError> {
        let mut tx = self.pool.begin().await?;
        let rows = outbox::claim(&mut tx, self.batch, None).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut sent = Vec::with_capacity(rows.len());
        for row in &rows {
            let job = match row.job() {
                Ok(job) => job,
                Err(e) => {
                    // A row this version cannot read: set aside for staff, not marked sent.
                    tracing::error!(id = row.id, task_id = row.task_id, error = %e, "unreadable outbox row set aside");
                    outbox::set_aside(&mut tx, row.id, &format!("unreadable: {e}")).await?;
                    continue;
                }
            };
            // The job says its queue. A row naming another was not written by `outbox` (which
            // writes the job's own): set aside for staff rather than guessed at.
            if Queue::parse(&row.queue).ok() != Some(job.queue()) {
                tracing::error!(
                    id = row.id,
                    queue = row.queue,
                    "outbox row naming another queue than its job's set aside"
                );
                let reason = format!("queue '{}' is not the job's ({})", row.queue, job.queue().name());
                outbox::set_aside(&mut tx, row.id, &reason).await?;
                continue;
            }
            let storage = self.queues.get_mut(&job.queue()).expect("a storage for every queue");
            // Redis keeps whole seconds: round up, so a deadline job never comes due early.
            let run_at =
                u64::try_from(row.run_at.timestamp() + i64::from(row.run_at.timestamp_subsec_nanos() > 0)).unwrap_or(0);
            // When it became due, so workers can measure how long it waited to start.
            let mut meta = MetadataStore::new();
            let _ = meta.insert(crate::pool::DUE_AT_MS, row.run_at.timestamp_millis().to_string());
            let task = TaskBuilder::new(job)
                .task_id(TaskId::from_string(row.task_id.clone()))
                .run_at_timestamp(run_at)
                .with_metadata(meta)
                .build();
            storage.push_task(task).await.map_err(|e| RelayError::Redis(e.to_string()))?;
            sent.push(row.id);
        }
        outbox::mark_sent(&mut tx, &sent).await?;
        tx.commit().await?;
        Ok(sent.len())
    }

    /// Makes unsent again the rows that were pushed, are due, have not finished, and whose task
    /// Redis no longer holds; returns how many. One slice of such rows per call.
    pub async fn redrive_once(&mut self) -> Result<usize, RelayError> {
        let mut conn = self.pool.acquire().await?;
        let due_by = chrono::Utc::now() - REDRIVE_AFTER;
        let rows = outbox::unfinished(&mut conn, self.redrive_from, due_by, REDRIVE_BATCH).await?;
        self.redrive_from = match rows.last() {
            Some(last) if rows.len() as i64 == REDRIVE_BATCH => last.id,
            _ => 0,
        };
        // A task Redis holds has its data in the queue's hash until vacuumed, long after it ran.
        let looked_at: Vec<(i64, String, String)> = rows
            .into_iter()
            .filter_map(|row| {
                let hash = storage::data_hash(&self.namespace, Queue::parse(&row.queue).ok()?);
                Some((row.id, hash, row.task_id))
            })
            .collect();
        if looked_at.is_empty() {
            return Ok(0);
        }
        let mut pipe = redis::pipe();
        for (_, hash, task) in &looked_at {
            pipe.hexists(hash, task);
        }
        let held: Vec<bool> =
            pipe.query_async(&mut self.conn.clone()).await.map_err(|e| RelayError::Redis(e.to_string()))?;
        let lost: Vec<i64> = looked_at.iter().zip(held).filter(|(_, held)| !held).map(|((id, ..), _)| *id).collect();
        if lost.is_empty() {
            return Ok(0);
        }
        let resent = outbox::resend(&mut conn, &lost).await?;
        tracing::warn!(count = resent, "jobs pushed to Redis and not finished are gone from it: pushing them again");
        Ok(resent as usize)
    }

    /// Relays until the process stops: immediately again after a full batch, after a short
    /// pause when idle, after a back-off when Redis or PostgreSQL fail; and every few seconds
    /// looks for pushed tasks Redis lost.
    pub async fn run(mut self, idle: Duration) {
        let mut backoff = Duration::from_millis(200);
        let mut next_redrive = tokio::time::Instant::now() + REDRIVE_EVERY;
        loop {
            if tokio::time::Instant::now() >= next_redrive {
                next_redrive += REDRIVE_EVERY;
                if let Err(e) = self.redrive_once().await {
                    tracing::warn!(error = %e, "looking for tasks Redis lost failed; the next look retries");
                }
            }
            match self.relay_once().await {
                // A full batch: more may be waiting.
                Ok(n) if n as i64 >= self.batch => continue,
                Ok(_) => {
                    backoff = Duration::from_millis(200);
                    tokio::time::sleep(idle).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, retry_in = ?backoff, "outbox relay failed; rows stay queued");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    }
}
