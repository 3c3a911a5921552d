//! Redis connections and one apalis storage per queue, configured around apalis-redis 1.0's
//! known hazards (at-least-once delivery: every job is safe to run twice).

use crate::Queue;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use redis::aio::{ConnectionLike, ConnectionManagerConfig};
use redis::{Arg, Cmd, RedisFuture, Value};
use std::sync::Arc;
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

/// The API's connection, for staff reads and `/metrics`. Made lazily, so the API starts, and
/// its queue views work as soon as Redis does, whether Redis is up at start or not; and quick
/// to give up reconnecting (one retry, 2 s to connect), so a request with Redis down answers
/// 503 within a few seconds instead of waiting out the minute of back-off a worker wants. Read
/// through [`read_retrying`]: Redis restarting breaks this connection like any other.
pub fn connect_for_reads(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let config = ConnectionManagerConfig::new()
        .set_response_timeout(Some(Duration::from_secs(5)))
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(1);
    ConnectionManager::new_lazy_with_config(redis::Client::open(url)?, config)
}

/// Runs `read`, and when it failed because the connection is gone, runs it once more.
///
/// A [`ConnectionManager`] notices that Redis went away (a restart, a reset) only when a
/// command sent on the dead socket fails ("broken pipe"); that failure starts a reconnect, and
/// the next command waits for it. So without a second try the first request after every Redis
/// restart fails although Redis is back. Once, not more: a second failure means Redis really is
/// unreachable, and the caller should say so rather than wait.
///
/// "Gone" is what makes the manager reconnect: an I/O error, or an error after which it
/// replaces the connection. Only for reads, or writes that are safe to repeat: a write whose
/// connection broke may have taken effect anyway.
pub async fn read_retrying<T, F, Fut>(conn: &ConnectionManager, mut read: F) -> redis::RedisResult<T>
where
    F: FnMut(ConnectionManager) -> Fut,
    Fut: std::future::Future<Output = redis::RedisResult<T>>,
{
    match read(conn.clone()).await {
        Err(e) if e.is_io_error() || e.is_unrecoverable_error() => {
            tracing::warn!(error = %e, "Redis connection lost; reading once more on a new one");
            read(conn.clone()).await
        }
        done => done,
    }
}

/// The storage of one queue. Its name is set explicitly: the default (the Rust type path) would
/// orphan the queue whenever the type moved.
///
/// `namespace` prefixes every key (`groupbuy:payments`), so several installations (or test runs)
/// can share one Redis.
pub fn storage(conn: ConnectionManager, namespace: &str, queue: Queue, batch_size: usize) -> Storage<Job> {
    named_storage(conn, format!("{namespace}:{}", queue.name()), batch_size)
}

/// The hash that holds each task's data of `queue` under `namespace`, from its push until it is
/// vacuumed (an hour after it finished): whether Redis still knows a task.
pub fn data_hash(namespace: &str, queue: Queue) -> String {
    config(format!("{namespace}:{}", queue.name()), 1).job_data_hash()
}

/// Deletes every key under `prefix` (`{prefix}:*`): what a benchmark's scratch namespace or queue
/// leaves behind. Returns how many went.
pub async fn forget(conn: &mut ConnectionManager, prefix: &str) -> Result<usize, redis::RedisError> {
    let keys: Vec<String> = redis::AsyncCommands::keys(conn, format!("{prefix}:*")).await?;
    for chunk in keys.chunks(1000) {
        let _: () = redis::AsyncCommands::del(conn, chunk).await?;
    }
    Ok(keys.len())
}

/// A queue's storage, talking through a [`QueueConnection`].
pub type Storage<T> = RedisStorage<T, QueueConnection>;

/// The storage of the queue named `queue` (the whole key prefix), configured as every queue's
/// is; the jobs benchmark uses it too, so it measures what production runs.
pub fn named_storage<T>(conn: ConnectionManager, queue: String, batch_size: usize) -> Storage<T> {
    let config = config(queue, batch_size);
    RedisStorage::new(QueueConnection::new(conn, &config)).with_config(config)
}

fn config(queue: String, batch_size: usize) -> Config {
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

/// The connection a queue's storage talks through: a [`ConnectionManager`] that, in the same
/// round trip as each of apalis-redis's fetches and just before it, moves the queue's due
/// scheduled tasks to its waiting list, a thousand at a time.
///
/// Without it a burst stops the queue for good. apalis-redis 1.0 pushes every task into the
/// scheduled set (its `run_at` is at least "now": `push_tasks.rs:43-46`,
/// `batch_push.lua:74-75`), and `fetch_next.lua:22-39` moves all the due ones in one
/// `RPUSH {queue}:active unpack(ids)` (line 35). Redis's Lua unpacks at most 7,999 values, so once 8,000
/// are due (pushed between two fetches of an idle or busy worker, or retries coming due
/// together) every fetch fails with "too many results to unpack", the worker stops, and the
/// one restarted in its place fails the same way. This does what the fetch's first step does,
/// in chunks, so the fetch finds nothing due but what was pushed since.
///
/// Every other command passes through untouched.
#[derive(Clone)]
pub struct QueueConnection {
    inner: ConnectionManager,
    keys: Arc<FetchKeys>,
}

/// What identifies a fetch of this queue: `fetch_next.lua` is apalis-redis's only script with
/// seven keys, of which the first is the workers set, the second the waiting list and the
/// seventh the scheduled set.
struct FetchKeys {
    workers: String,
    active: String,
    scheduled: String,
    signal: String,
}

/// Moves up to ARGV[2] tasks due by ARGV[1] at a time, in order, from the scheduled set to the
/// end of the waiting list, until none is due; then raises the "work available" signal the way
/// apalis's scripts do. Returns how many moved.
const PROMOTE_DUE: &str = r#"
local moved = 0
local chunk = tonumber(ARGV[2])
while true do
    local ids = redis.call("zrangebyscore", KEYS[1], 0, ARGV[1], "LIMIT", 0, chunk)
    if #ids == 0 then break end
    redis.call("rpush", KEYS[2], unpack(ids))
    redis.call("zrem", KEYS[1], unpack(ids))
    moved = moved + #ids
    if #ids < chunk then break end
end
if moved > 0 then
    redis.call("del", KEYS[3])
    redis.call("lpush", KEYS[3], 1)
end
return moved
"#;

/// Well under the 7,999 values Lua's `unpack` takes.
const PROMOTE_CHUNK: usize = 1000;

impl QueueConnection {
    pub fn new(inner: ConnectionManager, config: &Config) -> Self {
        let keys = FetchKeys {
            workers: config.workers_set(),
            active: config.active_jobs_list(),
            scheduled: config.scheduled_jobs_set(),
            signal: config.signal_list(),
        };
        Self { inner, keys: Arc::new(keys) }
    }

    /// The time (`ARGV[1]`, whole seconds) of `cmd` when it is a fetch of this queue.
    fn fetch_time<'c>(&self, cmd: &'c Cmd) -> Option<&'c [u8]> {
        let mut args = cmd.args_iter().map(|arg| match arg {
            Arg::Simple(bytes) => Some(bytes),
            _ => None,
        });
        let command = args.next()??;
        if !command.eq_ignore_ascii_case(b"EVALSHA") && !command.eq_ignore_ascii_case(b"EVAL") {
            return None;
        }
        let _script = args.next()?;
        if args.next()?? != b"7" {
            return None;
        }
        let keys = args.by_ref().take(7).collect::<Option<Vec<_>>>()?;
        let ours = keys.len() == 7
            && keys[0] == self.keys.workers.as_bytes()
            && keys[1] == self.keys.active.as_bytes()
            && keys[6] == self.keys.scheduled.as_bytes();
        if ours { args.next()? } else { None }
    }
}

impl ConnectionLike for QueueConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        let Some(now) = self.fetch_time(cmd) else {
            return self.inner.req_packed_command(cmd);
        };
        let mut promote = redis::cmd("EVAL");
        promote.arg(PROMOTE_DUE).arg(3).arg(&self.keys.scheduled).arg(&self.keys.active).arg(&self.keys.signal);
        promote.arg(now).arg(PROMOTE_CHUNK);
        let mut pipe = redis::pipe();
        pipe.add_command(promote).add_command(cmd.clone());
        Box::pin(async move {
            let mut replies = self.inner.req_packed_commands(&pipe, 0, 2).await?.into_iter();
            let (Some(promoted), Some(fetched)) = (replies.next(), replies.next()) else {
                return Err(redis::RedisError::from((redis::ErrorKind::UnexpectedReturnType, "two replies expected")));
            };
            promoted.extract_error()?;
            // As it came: a server error (NOSCRIPT first of all) reaches apalis as it would have.
            Ok(fetched)
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        self.inner.req_packed_commands(pipeline, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}
