//! Job metrics shared by every worker process: per queue, how long jobs waited between being due
//! and starting, how long they ran, how they ended, and how many finished per minute.
//!
//! Each process tallies in memory (a lock and a few additions per job) and adds its tallies to
//! Redis once a second, so the API (`/metrics`, `jobs stats`) shows the sum over all workers
//! without a Redis round trip per job. Layout, per queue:
//! - `{ns}:{queue}:metrics` (hash): `wait_b{i}` / `run_b{i}` bucket counts (not cumulative),
//!   `wait_sum_us`, `run_sum_us`, `wait_count`, `run_count`, `succeeded`, `retried`, `dead`;
//! - `{ns}:{queue}:finished:{unix minute}` (counter, expires after two hours).

use crate::Queue;
use apalis_redis::ConnectionManager;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds (Prometheus `le`); the last bucket is +Inf.
pub const BUCKETS: [f64; 13] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// Failed and queued again (with back-off).
    Retried,
    /// Failed for good: in the dead-letter set.
    Dead,
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len() + 1],
    sum_us: u64,
    count: u64,
}

impl Histogram {
    fn record(&mut self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = BUCKETS.iter().position(|&le| secs <= le).unwrap_or(BUCKETS.len());
        self.buckets[i] += 1;
        self.sum_us += d.as_micros() as u64;
        self.count += 1;
    }
}

#[derive(Debug, Default, Clone)]
struct Tally {
    wait: Histogram,
    run: Histogram,
    succeeded: u64,
    retried: u64,
    dead: u64,
}

/// This process's tallies since the last flush.
#[derive(Clone, Default)]
pub struct Recorder {
    tallies: Arc<Mutex<HashMap<Queue, Tally>>>,
}

impl Recorder {
    /// Records one run: `wait` from due to start (unknown for jobs pushed without a due time).
    pub fn record(&self, queue: Queue, wait: Option<Duration>, run: Duration, outcome: Outcome) {
        let mut tallies = self.tallies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tally = tallies.entry(queue).or_default();
        if let Some(wait) = wait {
            tally.wait.record(wait);
        }
        tally.run.record(run);
        match outcome {
            Outcome::Succeeded => tally.succeeded += 1,
            Outcome::Retried => tally.retried += 1,
            Outcome::Dead => tally.dead += 1,
        }
    }

    /// Adds the tallies to Redis and starts new ones. On a Redis error they are put back, so
    /// the next flush carries them.
    pub async fn flush(&self, conn: &mut ConnectionManager, namespace: &str) -> redis::RedisResult<()> {
        let taken = std::mem::take(&mut *self.tallies.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if taken.is_empty() {
            return Ok(());
        }
        let minute = chrono::Utc::now().timestamp() / 60;
        let mut pipe = redis::pipe();
        for (queue, t) in &taken {
            let hash = metrics_key(namespace, *queue);
            for (name, h) in [("wait", &t.wait), ("run", &t.run)] {
                for (i, n) in h.buckets.iter().enumerate().filter(|(_, n)| **n > 0) {
                    pipe.hincr(&hash, format!("{name}_b{i}"), *n).ignore();
                }
                pipe.hincr(&hash, format!("{name}_sum_us"), h.sum_us).ignore();
                pipe.hincr(&hash, format!("{name}_count"), h.count).ignore();
            }
            for (field, n) in [("succeeded", t.succeeded), ("retried", t.retried), ("dead", t.dead)] {
                pipe.hincr(&hash, field, n).ignore();
            }
            let finished = finished_key(namespace, *queue, minute);
            pipe.incr(&finished, t.run.count).ignore().expire(&finished, 7200).ignore();
        }
        if let Err(e) = pipe.query_async::<()>(conn).await {
            let mut tallies = self.tallies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (queue, t) in taken {
                let into = tallies.entry(queue).or_default();
                merge(into, &t);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Flushes once a second until the task is aborted.
    pub async fn flush_forever(self, mut conn: ConnectionManager, namespace: String) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(e) = self.flush(&mut conn, &namespace).await {
                tracing::debug!(error = %e, "job metrics not flushed; the next round carries them");
            }
        }
    }
}

fn merge(into: &mut Tally, from: &Tally) {
    for (a, b) in [(&mut into.wait, &from.wait), (&mut into.run, &from.run)] {
        for (x, y) in a.buckets.iter_mut().zip(b.buckets) {
            *x += y;
        }
        a.sum_us += b.sum_us;
        a.count += b.count;
    }
    into.succeeded += from.succeeded;
    into.retried += from.retried;
    into.dead += from.dead;
}

pub(crate) fn metrics_key(namespace: &str, queue: Queue) -> String {
    format!("{namespace}:{}:metrics", queue.name())
}

pub(crate) fn finished_key(namespace: &str, queue: Queue, minute: i64) -> String {
    format!("{namespace}:{}:finished:{minute}", queue.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_land_in_their_bucket() {
        let mut h = Histogram::default();
        h.record(Duration::from_millis(3));
        h.record(Duration::from_millis(10));
        h.record(Duration::from_secs(120));
        assert_eq!(h.buckets[0], 1, "3 ms ≤ 5 ms");
        assert_eq!(h.buckets[1], 1, "10 ms ≤ 10 ms");
        assert_eq!(h.buckets[BUCKETS.len()], 1, "past the last bound: +Inf");
        assert_eq!(h.count, 3);
        assert_eq!(h.sum_us, 3_000 + 10_000 + 120_000_000);
    }
}
