//! Real worker processes killed with SIGKILL in the middle of moving money, and duplicate
//! pushes of the same task: the money moves exactly once.

use crate::lifecycle::{balance, dec, try_procurement_status};
use crate::support::*;
use reqwest::StatusCode;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A small cap, so the back-off test reaches the dead-letter set in seconds.
const MAX_ATTEMPTS: usize = 4;

/// `groupbuy worker` for the payments queue, as its own process.
/// A `groupbuy worker` child that is killed when dropped, so a failing test leaves none behind.
pub(crate) struct WorkerProcess(Child);

impl std::ops::Deref for WorkerProcess {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for WorkerProcess {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

pub(crate) fn worker(app: &TestApp, namespace: &str, failpoints: &str) -> WorkerProcess {
    worker_on(app, REDIS_URL, namespace, failpoints)
}

/// A payments worker on the Redis at `redis_url`.
pub(crate) fn worker_on(app: &TestApp, redis_url: &str, namespace: &str, failpoints: &str) -> WorkerProcess {
    worker_for(app, "payments", redis_url, namespace, failpoints)
}

/// A worker for `queues` (comma-separated) on the Redis at `redis_url`.
pub(crate) fn worker_for(
    app: &TestApp,
    queues: &str,
    redis_url: &str,
    namespace: &str,
    failpoints: &str,
) -> WorkerProcess {
    let child = Command::new(env!("CARGO_BIN_EXE_groupbuy"))
        .args(["worker", "--queues", queues, "--concurrency", "2"])
        .env("DATABASE_URL", &app.database_url)
        .env("REDIS_URL", redis_url)
        .env("QUEUE_NAMESPACE", namespace)
        .env("JWT_SECRET", "unused-by-workers-but-required-to-skip-the-dev-secret")
        .env("GROUPBUY_FAILPOINTS", failpoints)
        .env("JOB_MAX_ATTEMPTS", MAX_ATTEMPTS.to_string())
        .envs(app.bank_env())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start groupbuy worker");
    WorkerProcess(child)
}

/// SIGTERM, then wait for the process to finish its in-flight jobs and exit.
fn terminate(child: &mut Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    child.wait().unwrap();
}

pub(crate) fn kill_9(child: &mut Child) {
    // Child::kill sends SIGKILL on Unix: no graceful shutdown, no acknowledgement.
    child.kill().unwrap();
    child.wait().unwrap();
}

async fn completed_with_paid_order(app: &TestApp) -> (i64, i64, i64) {
    let order = app.paid_order().await;
    let completed = try_procurement_status(app, order.procurement, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    (order.procurement, order.organizer, order.participant)
}

pub(crate) async fn captures(app: &TestApp, pid: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1")
        .bind(format!("capture:participant:{pid}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A worker is killed while its capture's transaction is open (before commit), then while the
/// capture has committed but is not yet acknowledged. Each time another worker process picks the
/// orphaned job up, and the organizer is paid exactly once.
#[tokio::test]
async fn a_worker_killed_mid_capture_loses_nothing_and_pays_once() {
    for failpoint in ["capture.before_commit=60000", "capture.after_commit=60000"] {
        let app = TestApp::spawn().await;
        let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
        let (_, organizer, pid) = completed_with_paid_order(&app).await;

        let mut first = worker(&app, &ns, failpoint);
        let conn = workers::storage::connect(REDIS_URL).await.unwrap();
        eventually("the first worker to take the capture", Duration::from_secs(30), || {
            let mut conn = conn.clone();
            let ns = ns.clone();
            async move {
                let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
                stats.iter().any(|s| s.queue == "payments" && s.running == 1)
            }
        })
        .await;
        // Give the handler time to reach its failpoint (it is pausing there for a minute).
        tokio::time::sleep(Duration::from_millis(500)).await;
        kill_9(&mut first);
        let expected_before = if failpoint.starts_with("capture.before") { "0" } else { "300.00" };
        assert_eq!(balance(&app, organizer).await, dec(expected_before), "{failpoint}");

        // Another incarnation: it finds the dead worker's job once the heartbeat window passes.
        let mut second = worker(&app, &ns, "");
        eventually("the orphaned capture to finish", Duration::from_secs(60), || {
            queue_settled(&conn, &ns, "payments", 1)
        })
        .await;
        kill_9(&mut second);
        assert_eq!(balance(&app, organizer).await, dec("300.00"), "{failpoint}");
        assert_eq!(captures(&app, pid).await, 1, "{failpoint}");
        app.assert_ledger_consistent().await;
    }
}

/// The relay pushes, then "crashes" before marking the rows sent; the next relay pushes them
/// again. Redis keeps one task per id, so each job runs once.
#[tokio::test]
async fn duplicate_pushes_of_one_task_run_once() {
    let app = TestApp::spawn().await;
    let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
    let (_, organizer, pid) = completed_with_paid_order(&app).await;
    let conn = workers::storage::connect(REDIS_URL).await.unwrap();
    let mut relay = workers::relay::Relay::new(app.pool.clone(), conn.clone(), &ns);
    let pushed = relay.relay_once().await.unwrap();
    assert!(pushed >= 2, "transitions and the capture");
    for _ in 0..2 {
        sqlx::query("UPDATE outbox SET sent_at = NULL").execute(&app.pool).await.unwrap();
        assert_eq!(relay.relay_once().await.unwrap(), pushed);
    }
    let mut redis = conn.clone();
    let stored: u64 = redis::AsyncCommands::hlen(&mut redis, format!("{ns}:payments:data")).await.unwrap();
    assert_eq!(stored, 1, "one capture task, however often it was pushed");

    let mut w = worker(&app, &ns, "");
    eventually("the capture", Duration::from_secs(30), || queue_settled(&conn, &ns, "payments", 1)).await;
    kill_9(&mut w);
    assert_eq!(balance(&app, organizer).await, dec("300.00"));
    assert_eq!(captures(&app, pid).await, 1);
}

/// A capture that fails every run (a retryable error) is retried through the outbox after an
/// exponential back-off with jitter (1 s, 2 s, 4 s, each ±50 %), dead-lettered after its cap,
/// and, re-queued by staff once the fault is gone, runs once with a fresh attempt count.
#[tokio::test]
async fn a_failing_job_backs_off_exponentially_is_dead_lettered_and_runs_once_when_requeued() {
    let app = TestApp::spawn().await;
    let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
    let (_, organizer, pid) = completed_with_paid_order(&app).await;
    let mut conn = workers::storage::connect(REDIS_URL).await.unwrap();

    let mut failing = worker(&app, &ns, "job.capture_payment=fail");
    eventually("the dead letter", Duration::from_secs(60), || {
        let (mut conn, ns) = (conn.clone(), ns.clone());
        async move { !workers::admin::dead(&mut conn, &ns, workers::Queue::Payments).await.unwrap().is_empty() }
    })
    .await;
    // A graceful stop (SIGTERM) flushes the worker's job metrics on the way out.
    terminate(&mut failing);
    let dead = workers::admin::dead(&mut conn, &ns, workers::Queue::Payments).await.unwrap();
    let last = format!("capture:participant:{pid}~r{}", MAX_ATTEMPTS - 1);
    assert_eq!(dead.iter().map(|d| d.task_id.as_str()).collect::<Vec<_>>(), vec![last.as_str()]);
    assert_eq!(balance(&app, organizer).await, dec("0"));

    // Each retry was queued with its back-off: the n-th after 2^(n-1) s ± 50 %.
    let retries: Vec<(String, f64)> = sqlx::query_as(
        "SELECT task_id, EXTRACT(EPOCH FROM run_at - created_at)::float8 FROM outbox
         WHERE task_id LIKE $1 ORDER BY id",
    )
    .bind(format!("capture:participant:{pid}~r%"))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(retries.len(), MAX_ATTEMPTS - 1, "{retries:?}");
    for (n, (task_id, delay)) in retries.iter().enumerate() {
        assert_eq!(task_id, &format!("capture:participant:{pid}~r{}", n + 1));
        let base = f64::from(1 << n);
        assert!(*delay >= base * 0.5 - 0.05 && *delay <= base * 1.5 + 0.25, "retry {}: {delay} s", n + 1);
    }

    // The fault is gone; staff re-queue the dead run.
    let mut healthy = worker(&app, &ns, "");
    let new_id = workers::admin::retry(&mut conn, &ns, workers::Queue::Payments, &last).await.unwrap();
    assert!(new_id.starts_with(&format!("capture:participant:{pid}~m")), "{new_id}");
    eventually("the re-queued capture", Duration::from_secs(30), || async {
        balance(&app, organizer).await == dec("300.00")
    })
    .await;
    assert!(workers::admin::dead(&mut conn, &ns, workers::Queue::Payments).await.unwrap().is_empty());
    terminate(&mut healthy);
    // Four failed runs (three retried, one dead-lettered) and the successful one, summed over
    // both worker processes.
    let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
    let payments = stats.iter().find(|s| s.queue == "payments").unwrap();
    assert_eq!(payments.run.count as usize, MAX_ATTEMPTS + 1, "{payments:?}");
    assert_eq!(payments.retried as usize, MAX_ATTEMPTS - 1, "{payments:?}");
    assert_eq!(payments.wait.count, payments.run.count, "every relayed run knows when it was due");
    assert!(payments.throughput_1m > 0.0);
    assert_eq!(captures(&app, pid).await, 1);
    app.assert_ledger_consistent().await;
}

/// The liveness watchdog: when a pool's heartbeats stop reaching Redis (here the test keeps
/// wiping them, as a wedged pool would leave them stale), the worker process exits with 70 so
/// its supervisor starts a fresh one.
#[tokio::test]
async fn a_worker_whose_pool_stops_heartbeating_exits_for_its_supervisor() {
    let app = TestApp::spawn().await;
    let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
    let mut w = worker(&app, &ns, "");
    let mut conn = workers::storage::connect(REDIS_URL).await.unwrap();
    let key = format!("{ns}:payments:workers");
    eventually("the pool's first heartbeat", Duration::from_secs(30), || {
        let (mut conn, key) = (conn.clone(), key.clone());
        async move { redis::AsyncCommands::zcard::<_, u64>(&mut conn, &key).await.unwrap() > 0 }
    })
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        // Every beat the pool writes is made stale again at once.
        let names: Vec<String> = redis::AsyncCommands::zrange(&mut conn, &key, 0, -1).await.unwrap();
        for name in names {
            let _: () = redis::AsyncCommands::zadd(&mut conn, &key, name, 0).await.unwrap();
        }
        if let Some(status) = w.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "the worker kept running without heartbeats");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(70), "{status:?}");
}
