//! Fan-out with a completion step, and notification delivery.

use crate::support::*;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::json;
use workflows::jobs::{self, FanoutKind, Job};
use workflows::procurement::{ProcurementEvent, ProcurementStatus};

/// A procurement in `payment` whose `buyers` orders are all confirmed; its transition job not run.
async fn in_payment(app: &TestApp, buyers: usize) -> (i64, i64, Vec<i64>) {
    let (procurement, organizer) = app.active(json!({})).await;
    let mut participants = Vec::new();
    for _ in 0..buyers {
        let buyer = app.register("buyer").await;
        let (code, joined) = app.join(procurement, buyer, "1").await;
        assert_eq!(code, StatusCode::CREATED, "{joined}");
        participants.push(joined["id"].as_i64().unwrap());
    }
    app.set_status(procurement, "stopped").await;
    for participant in &participants {
        let path = format!("/api/procurements/participants/{participant}/update_status/");
        let (code, body) = send(app.service(Method::POST, &path).json(&json!({ "status": "confirmed" }))).await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    app.set_status(procurement, "payment").await;
    (procurement, organizer, participants)
}

async fn outbox_tasks(app: &TestApp, like: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT task_id FROM outbox WHERE task_id LIKE $1 ORDER BY task_id")
        .bind(like)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn payment_requests_fan_out_and_complete_exactly_once_under_duplicate_concurrent_children() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, participants) = in_payment(&app, 8).await;
    let ctx = app.jobs().await;
    let transition = Job::ProcurementTransition {
        procurement_id: procurement,
        from: ProcurementStatus::Stopped,
        to: ProcurementStatus::Payment,
        event: ProcurementEvent::RequestPayment,
        data: Default::default(),
    };
    jobs::run(&ctx, &transition).await.unwrap();
    jobs::run(&ctx, &transition).await.expect("the parent step run twice starts one fan-out");
    assert_eq!(outbox_tasks(&app, "payment_request:%").await.len(), participants.len());
    assert!(outbox_tasks(&app, "fanout.%").await.is_empty(), "no completion before the children");

    // Every child delivered twice, all at once.
    let children = participants.iter().chain(&participants).map(|&participant_id| {
        let (ctx, job) = (ctx.clone(), Job::PaymentRequest { procurement_id: procurement, participant_id });
        tokio::spawn(async move { jobs::run(&ctx, &job).await })
    });
    for child in futures_util::future::join_all(children).await {
        child.unwrap().expect("child runs");
    }
    assert_eq!(outbox_tasks(&app, "fanout.%").await, vec![format!("fanout.payment_requests:{procurement}:done")]);
    let (total, done): (i32, i32) = sqlx::query_as("SELECT total, done FROM fanouts WHERE procurement_id = $1")
        .bind(procurement)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((total, done), (8, 8));
    let requests: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE procurement_id = $1 AND notification_type = 'payment_required'",
    )
    .bind(procurement)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(requests, 8, "one payment request per participant");

    // The completion step tells the organizer once.
    let completion = Job::FanoutCompleted { fanout: FanoutKind::PaymentRequests, procurement_id: procurement };
    jobs::run(&ctx, &completion).await.unwrap();
    jobs::run(&ctx, &completion).await.unwrap();
    let told: Vec<String> = sqlx::query_scalar("SELECT message FROM notifications WHERE user_id = $1")
        .bind(organizer)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(told.iter().filter(|m| m.contains("запросов на оплату: 8")).count(), 1, "{told:?}");
}

#[tokio::test]
async fn a_fan_out_with_no_children_completes_at_once() {
    let app = TestApp::spawn().await;
    let (procurement, _) = app.active(json!({})).await;
    app.set_status(procurement, "stopped").await;
    app.set_status(procurement, "payment").await;
    app.drain().await;
    let completed: Option<bool> =
        sqlx::query_scalar("SELECT completed_at IS NOT NULL FROM fanouts WHERE procurement_id = $1 AND total = 0")
            .bind(procurement)
            .fetch_optional(&app.pool)
            .await
            .unwrap();
    assert_eq!(completed, Some(true));
}

#[tokio::test]
async fn every_notification_gets_a_delivery_job_that_publishes_it_once() {
    let app = TestApp::spawn().await;
    let (procurement, _, participants) = in_payment(&app, 1).await;
    let buyer: i64 = sqlx::query_scalar("SELECT user_id FROM participants WHERE id = $1")
        .bind(participants[0])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let client = redis::Client::open(REDIS_URL).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub.subscribe(workers::courier::RedisCourier::channel(&app.namespace, buyer)).await.unwrap();

    app.drain().await;
    let mut messages = pubsub.on_message();
    let mut published = Vec::new();
    while let Ok(Some(msg)) = tokio::time::timeout(std::time::Duration::from_secs(2), messages.next()).await {
        published.push(serde_json::from_str::<serde_json::Value>(&msg.get_payload::<String>().unwrap()).unwrap());
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications WHERE user_id = $1")
        .bind(buyer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(published.len() as i64, stored, "each of the buyer's notifications published once: {published:?}");
    assert!(published.iter().all(|n| n["user_id"] == buyer && n["procurement_id"] == procurement));
    assert!(published.iter().any(|n| n["notification_type"] == "payment_required"), "{published:?}");

    let undelivered: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications WHERE delivered_at IS NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(undelivered, 0, "every notification went through its delivery job");
    let channels: Vec<String> = sqlx::query_scalar("SELECT channels FROM notifications WHERE user_id = $1")
        .bind(buyer)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(channels.iter().any(|c| c == "live"), "{channels:?}");

    // A second delivery of a delivered notification publishes nothing more.
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM notifications WHERE user_id = $1")
        .bind(buyer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    jobs::run(&app.jobs().await, &Job::DeliverNotification { notification_id: id }).await.unwrap();
    let more = tokio::time::timeout(std::time::Duration::from_millis(300), messages.next()).await;
    assert!(more.is_err(), "nothing published twice");
}
