//! Real worker processes killed with SIGKILL in the middle of moving money, and duplicate
//! pushes of the same task: the money moves exactly once.

use crate::lifecycle::{balance, dec, try_procurement_status};
use crate::support::*;
use reqwest::StatusCode;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// `groupbuy worker` for the payments queue, as its own process.
fn worker(app: &TestApp, namespace: &str, failpoints: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_groupbuy"))
        .args(["worker", "--queues", "payments", "--concurrency", "2"])
        .env("DATABASE_URL", &app.database_url)
        .env("REDIS_URL", REDIS_URL)
        .env("QUEUE_NAMESPACE", namespace)
        .env("JWT_SECRET", "unused-by-workers-but-required-to-skip-the-dev-secret")
        .env("GROUPBUY_FAILPOINTS", failpoints)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start groupbuy worker")
}

fn kill_9(child: &mut Child) {
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

async fn captures(app: &TestApp, pid: i64) -> i64 {
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
