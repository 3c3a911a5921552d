//! The API's reads from Redis (staff job views, `/metrics`, `/ready`) across a Redis restart and
//! while Redis is down, and the jobs of a Redis lost entirely, against a Redis of the test's own
//! (the shared one must stay up).

use crate::crash::{captures, kill_9, worker_for};
use crate::lifecycle::{balance, dec};
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};
use workflows::jobs::Job;

/// A dead capture in the payments queue, written the way apalis-redis lays one out (see
/// `workers::admin`); returns its task id.
async fn dead_job(redis: &OwnRedis, namespace: &str) -> String {
    let job = Job::CapturePayment { participant_id: 7 };
    let id = job.task_id();
    let mut conn = redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    redis::pipe()
        .sadd(format!("{namespace}:payments:dead"), &id)
        .hset(format!("{namespace}:payments:data"), &id, serde_json::to_string(&job).unwrap())
        .hset(format!("{namespace}:payments:meta:{id}"), "attempts", "8")
        .hset(format!("{namespace}:payments:meta:{id}"), "result", "the bank said no")
        .exec_async(&mut conn)
        .await
        .unwrap();
    id
}

async fn stats(app: &TestApp) -> (StatusCode, Value) {
    send(app.service(Method::GET, "/api/admin/jobs/stats")).await
}

fn dead_in_payments(stats: &Value) -> u64 {
    let payments = stats.as_array().unwrap().iter().find(|s| s["queue"] == "payments").unwrap();
    payments["dead"].as_u64().unwrap()
}

async fn dead_payments(app: &TestApp) -> (StatusCode, Value) {
    send(app.service(Method::GET, "/api/admin/jobs/dead?queue=payments")).await
}

async fn metrics(app: &TestApp) -> (StatusCode, String) {
    let response = app.anon(Method::GET, "/metrics").send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_first_reads_after_a_redis_restart_answer() {
    let mut redis = OwnRedis::start().await;
    let app = TestApp::spawn_with_redis(&redis.url()).await;
    let task_id = dead_job(&redis, &app.namespace).await;
    let (status, body) = stats(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(dead_in_payments(&body), 1, "{body}");

    // A restart before each, so every one is the first call on a connection Redis dropped.
    redis.restart().await;
    let (status, body) = stats(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(dead_in_payments(&body), 1, "the append-only file kept it: {body}");

    redis.restart().await;
    let (status, body) = dead_payments(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["task_id"], task_id.as_str(), "{body}");
    assert_eq!(body[0]["error"], "the bank said no", "{body}");

    redis.restart().await;
    let (status, text) = metrics(&app).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("groupbuy_queues_up 1\n"), "{text}");
    assert!(text.contains("groupbuy_jobs{queue=\"payments\",state=\"dead\"} 1\n"), "{text}");

    // Re-queueing retries only its reads, which is what a dropped connection fails.
    redis.restart().await;
    let (status, body) = send(
        app.service(Method::POST, "/api/admin/jobs/retry")
            .json(&serde_json::json!({ "queue": "payments", "task_id": task_id })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = dead_payments(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, serde_json::json!([]));

    // `/ready` opens a connection per check, so a restart never reaches it; it answers too.
    redis.restart().await;
    let (status, body) = send(app.anon(Method::GET, "/ready")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["redis"], "ok", "{body}");
}

#[tokio::test]
async fn with_redis_down_reads_answer_503_at_once_and_recover_when_it_returns() {
    let mut redis = OwnRedis::start().await;
    let app = TestApp::spawn_with_redis(&redis.url()).await;
    let task_id = dead_job(&redis, &app.namespace).await;
    assert_eq!(stats(&app).await.0, StatusCode::OK);

    redis.kill();
    // Each try to reconnect is refused at once; the whole request, two tries, stays well
    // under this (a worker's connection would keep trying for about a minute).
    let quick = Duration::from_secs(10);
    let started = Instant::now();
    assert_error(&stats(&app).await, StatusCode::SERVICE_UNAVAILABLE, "queues_unavailable");
    assert!(started.elapsed() < quick, "stats took {:?}", started.elapsed());
    let started = Instant::now();
    assert_error(&dead_payments(&app).await, StatusCode::SERVICE_UNAVAILABLE, "queues_unavailable");
    assert!(started.elapsed() < quick, "dead took {:?}", started.elapsed());
    let retried = send(
        app.service(Method::POST, "/api/admin/jobs/retry")
            .json(&serde_json::json!({ "queue": "payments", "task_id": task_id })),
    )
    .await;
    assert_error(&retried, StatusCode::SERVICE_UNAVAILABLE, "queues_unavailable");

    // The scrape still answers, with the database's numbers, and says the queues did not.
    let started = Instant::now();
    let (status, text) = metrics(&app).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(started.elapsed() < quick, "/metrics took {:?}", started.elapsed());
    assert!(text.contains("groupbuy_queues_up 0\n"), "{text}");
    assert!(text.contains("groupbuy_outbox_pending 0\n"), "{text}");
    assert!(!text.contains("groupbuy_jobs{"), "{text}");

    let (status, body) = send(app.anon(Method::GET, "/ready")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["redis"], "unavailable", "{body}");

    // Back without restarting the API: the next call reconnects.
    redis.restart().await;
    let (status, body) = stats(&app).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(dead_in_payments(&body), 1, "{body}");
}

/// Redis lost with everything in it (killed, its append-only file gone): the capture it held
/// and nobody had run yet is pushed again from the outbox, and the money moves once.
#[tokio::test]
async fn a_job_a_lost_redis_held_is_pushed_again_from_the_outbox_and_runs_once() {
    let mut redis = OwnRedis::start().await;
    let app = TestApp::spawn().await;
    let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
    let order = app.paid_order().await;
    // Its relay pushes every queue, but it runs only the lifecycle: the capture waits in Redis.
    let mut lifecycle = worker_for(&app, "lifecycle", &redis.url(), &ns, "");
    app.set_status(order.procurement, "completed").await;
    let conn = workers::storage::connect(&redis.url()).await.unwrap();
    eventually("the capture to wait in Redis", Duration::from_secs(60), || {
        let (mut conn, ns) = (conn.clone(), ns.clone());
        async move {
            let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
            // (pushed into the schedule; only a fetch of the queue moves it to the waiting list)
            stats.iter().any(|s| s.queue == "payments" && s.waiting + s.scheduled == 1)
        }
    })
    .await;
    kill_9(&mut lifecycle);
    redis.lose().await;

    let mut worker = worker_for(&app, "lifecycle,payments", &redis.url(), &ns, "");
    eventually("the capture, pushed again", Duration::from_secs(90), || async {
        balance(&app, order.organizer).await == dec("300.00")
    })
    .await;
    // And every other due job of these queues that Redis forgot, each marked finished once run.
    eventually("every due job to finish", Duration::from_secs(60), || async {
        let unfinished: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM outbox
             WHERE finished_at IS NULL AND queue IN ('lifecycle', 'payments') AND run_at <= now()",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        unfinished == 0
    })
    .await;
    kill_9(&mut worker);
    assert_eq!(captures(&app, order.participant).await, 1);
    app.assert_ledger_consistent().await;
}
