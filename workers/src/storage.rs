//! Redis connections and one apalis storage per queue, configured around apalis-redis 1.0's
//! known hazards (see DESIGN.md and reference/crates-and-apalis.md §5).

use crate::Queue;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use redis::aio::ConnectionManagerConfig;
use std::time::Duration;
use workflows::jobs::Job;

/// How often each worker heartbeats; a worker silent for three beats is presumed dead and its
/// in-flight jobs are handed to others.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
pub const MISSED_HEARTBEATS: usize = 3;

/// A connection that survives Redis stalls: a 5 s response timeout instead of redis-rs's
/// 500 ms (which kills worker pools on a hiccup), and reconnects with retries.
pub async fn connect(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    client
        .get_connection_manager_with_config(
            ConnectionManagerConfig::new()
                .set_response_timeout(Some(Duration::from_secs(5)))
                .set_connection_timeout(Some(Duration::from_secs(5)))
                .set_number_of_retries(10),
        )
        .await
}

/// The storage of one queue. Its name is set explicitly: the default (the Rust type path) would
/// orphan the queue whenever the type moved.
///
/// `namespace` prefixes every key (`groupbuy:payments`), so several installations (or test runs)
/// can share one Redis.
pub fn storage(conn: ConnectionManager, namespace: &str, queue: Queue, batch_size: usize) -> RedisStorage<Job> {
    RedisStorage::new(conn).with_config(config(format!("{namespace}:{}", queue.name()), batch_size))
}

/// The configuration of every queue's storage (the jobs benchmark uses it too, so it measures
/// what production runs).
pub fn config(queue: String, batch_size: usize) -> Config {
    Config::default()
        .queue(queue)
        .batch_size(batch_size)
        .heartbeat_interval(HEARTBEAT)
        .missed_heartbeats(MISSED_HEARTBEATS)
        // Must stay on: in apalis-core 1.0 this flag also decides whether a finished task is
        // acknowledged at all (`should_ack`). Off, every task stays "running" forever and is
        // re-run as an orphan when its worker goes away.
        .persist_results(true)
        // Off: a "lease" per task costs a scan of the whole waiting list. With it on, apalis
        // sends a Lock event for every task it starts, and apalis-redis's `acquire_leases.lua`
        // runs `LREM {queue}:active 1 id` for each, although `fetch_next.lua` took the id off
        // that list already: every start walked the full backlog (0.8 ms at 25,000 waiting),
        // inside Redis, one task after another, which capped all workers together at about
        // 6,000 jobs/s. The lease only writes `status Running, locked_by, locked_at` into the
        // task's meta hash, which nothing reads (heartbeat renewal needs apalis's
        // `task-tracking` feature, not enabled). What keeps a task safe is the worker's
        // inflight set, which the fetch fills either way: acknowledgements remove from it, and
        // a worker silent for `MISSED_HEARTBEATS` has it put back on the queue.
        .lock_tasks(false)
        // A PUBLISH per finished task to a channel nobody here listens to: off.
        .emit_events(false)
}
