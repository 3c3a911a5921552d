//! Jobs through real Redis: the outbox relay and apalis worker pools, as production runs them.

use crate::lifecycle::{balance, dec, try_procurement_status};
use crate::support::*;
use reqwest::StatusCode;
use std::time::Duration;
use workers::pool::PoolConfig;
use workers::relay::Relay;

const LIMIT: Duration = Duration::from_secs(30);

/// A namespace of its own, so parallel tests never take each other's jobs.
fn namespace() -> String {
    format!("gbtest:{}", uuid::Uuid::new_v4().simple())
}

async fn unsent(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn completion_captures_through_redis_worker_pools() {
    let app = TestApp::spawn().await;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let ns = namespace();
    let config = PoolConfig { namespace: ns.clone(), concurrency: 4, ..PoolConfig::default() };
    let runtime = tokio::spawn(workers::runtime::run(app.pool.clone(), app.bank.clone(), REDIS_URL, config, async {
        let _ = rx.await;
    }));
    let PaidOrder { procurement: id, organizer, .. } = app.paid_order().await;
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    eventually("the capture", LIMIT, || async { balance(&app, organizer).await == dec("300.00") }).await;
    eventually("the outbox to empty", LIMIT, || async { unsent(&app).await == 0 }).await;
    // Finished jobs are acknowledged: none stays "running" to be re-run as an orphan later.
    let conn = workers::storage::connect(REDIS_URL).await.unwrap();
    eventually("the acknowledgements", LIMIT, || {
        let mut conn = conn.clone();
        let ns = ns.clone();
        async move {
            let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
            let payments = stats.iter().find(|s| s.queue == "payments").unwrap();
            let lifecycle = stats.iter().find(|s| s.queue == "lifecycle").unwrap();
            payments.done == 1 && payments.running == 0 && lifecycle.running == 0 && lifecycle.done >= 4
        }
    })
    .await;
    // Vacuuming with no retention removes every finished job, payload and metadata.
    let mut conn = conn.clone();
    let removed = workers::admin::vacuum(&mut conn, &ns, Duration::ZERO).await.unwrap();
    assert!(removed >= 5, "{removed}");
    let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
    // The payments queue was at rest; notifications and scheduled lifecycle jobs may still
    // finish after the vacuum on a busy machine, so only the quiet queue must read empty.
    let payments = stats.iter().find(|s| s.queue == "payments").unwrap();
    assert_eq!((payments.done, payments.running, payments.waiting), (0, 0, 0), "{stats:?}");
    let left: u64 = redis::AsyncCommands::hlen(&mut conn, format!("{ns}:payments:data")).await.unwrap();
    assert_eq!(left, 0);
    tx.send(()).unwrap();
    runtime.await.unwrap().expect("pools stop cleanly");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn work_committed_while_redis_is_down_is_relayed_once_it_returns() {
    let app = TestApp::spawn().await;
    let mut redis = OwnRedis::start().await;
    let ns = namespace();
    let mut relay = Relay::new(app.pool.clone(), workers::storage::connect(&redis.url()).await.unwrap(), &ns);

    // Redis dies; the state change commits anyway and its jobs wait in the outbox.
    redis.kill();
    let PaidOrder { procurement: id, organizer, .. } = app.paid_order().await;
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    let queued = unsent(&app).await;
    assert!(queued >= 1, "the capture waits in the outbox");
    assert!(relay.relay_once().await.is_err(), "pushing to a dead Redis fails");
    assert_eq!(unsent(&app).await, queued, "a failed push leaves every row queued");

    // Redis returns on the same port: the same relay reconnects and moves everything once.
    redis.restart().await;
    let mut moved = None;
    for _ in 0..600 {
        if let Ok(n) = relay.relay_once().await {
            moved = Some(n);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let moved = moved.expect("the relay reconnects");
    assert_eq!(moved as i64, queued);
    assert_eq!(unsent(&app).await, 0);

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let config = PoolConfig { namespace: ns, ..PoolConfig::default() };
    let url = redis.url();
    let (pool, bank) = (app.pool.clone(), app.bank.clone());
    let runtime = tokio::spawn(async move {
        workers::runtime::run(pool, bank, &url, config, async {
            let _ = rx.await;
        })
        .await
    });
    eventually("the capture", LIMIT, || async { balance(&app, organizer).await == dec("300.00") }).await;
    tx.send(()).unwrap();
    runtime.await.unwrap().expect("pools stop cleanly");
    assert_eq!(balance(&app, organizer).await, dec("300.00"), "captured exactly once");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn a_job_that_cannot_succeed_is_dead_lettered_and_a_retry_runs_it_again() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let config = PoolConfig { namespace: ns.clone(), ..PoolConfig::default() };
    let runtime = tokio::spawn(workers::runtime::run(app.pool.clone(), app.bank.clone(), REDIS_URL, config, async {
        let _ = rx.await;
    }));
    let PaidOrder { procurement: id, organizer, participant: pid, .. } = app.paid_order().await;
    // A capture before completion can never succeed: straight to the dead-letter set, once.
    let job = workflows::jobs::Job::CapturePayment { participant_id: pid };
    let mut db = app.pool.acquire().await.unwrap();
    workflows::outbox::enqueue(&mut db, &job, None).await.unwrap();
    drop(db);
    let mut conn = workers::storage::connect(REDIS_URL).await.unwrap();
    eventually("the dead letter", LIMIT, || {
        let mut conn = conn.clone();
        let ns = ns.clone();
        async move { workers::admin::dead(&mut conn, &ns, workers::Queue::Payments).await.unwrap().len() == 1 }
    })
    .await;
    let dead = workers::admin::dead(&mut conn, &ns, workers::Queue::Payments).await.unwrap();
    assert_eq!(dead[0].task_id, job.task_id());
    assert_eq!(dead[0].job["kind"], "capture_payment");
    assert_eq!(balance(&app, organizer).await, dec("0"));

    // Completing makes it possible; re-queueing the dead job runs it again.
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    workers::admin::retry(&mut conn, &ns, workers::Queue::Payments, &job.task_id()).await.unwrap();
    eventually("the retried capture", LIMIT, || async { balance(&app, organizer).await == dec("300.00") }).await;
    assert!(workers::admin::dead(&mut conn, &ns, workers::Queue::Payments).await.unwrap().is_empty());
    assert!(matches!(
        workers::admin::retry(&mut conn, &ns, workers::Queue::Payments, "no-such-task").await,
        Err(workers::admin::RetryError::NotDead(_))
    ));
    tx.send(()).unwrap();
    runtime.await.unwrap().expect("pools stop cleanly");
    app.assert_ledger_consistent().await;
}

/// apalis-redis puts every pushed task in the scheduled set first, and its fetch moves all the
/// due ones to the waiting list in one Lua `unpack`, which takes at most 7,999 values. A burst
/// bigger than that between two fetches used to fail every fetch from then on, so the queue
/// stopped for good; the storage's connection moves them in chunks first.
#[tokio::test]
async fn a_burst_of_ten_thousand_tasks_between_two_fetches_all_run() {
    use apalis::prelude::*;
    const BURST: usize = 10_000;
    let conn = workers::storage::connect(REDIS_URL).await.unwrap();
    let queue = format!("{}:burst", namespace());
    let mut storage: workers::storage::Storage<u32> = workers::storage::named_storage(conn.clone(), queue.clone(), 100);
    storage.push_bulk((0..BURST as u32).collect()).await.unwrap();
    let mut redis = conn.clone();
    let scheduled: usize = redis::AsyncCommands::zcard(&mut redis, format!("{queue}:scheduled")).await.unwrap();
    assert_eq!(scheduled, BURST, "pushed tasks wait in the scheduled set until a fetch");

    async fn noop(_: u32) -> Result<(), BoxDynError> {
        Ok(())
    }
    let worker = WorkerBuilder::new(format!("burst-{}", uuid::Uuid::new_v4().simple()))
        .backend(storage.clone().poll_with_interval(PoolConfig::default().poll_interval))
        .concurrency(100)
        .build(noop);
    let running = tokio::spawn(worker.run());
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let done: usize = redis::AsyncCommands::scard(&mut redis, format!("{queue}:done")).await.unwrap();
        if done == BURST {
            break;
        }
        if running.is_finished() {
            panic!("the worker stopped after {done} tasks: {:?}", running.await);
        }
        assert!(tokio::time::Instant::now() < deadline, "{done} of {BURST} tasks acknowledged in {LIMIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.abort();
    let keys: Vec<String> = redis::AsyncCommands::keys(&mut redis, format!("{queue}:*")).await.unwrap();
    let _: () = redis::AsyncCommands::del(&mut redis, keys).await.unwrap();
}
