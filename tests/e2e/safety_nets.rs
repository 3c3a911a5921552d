//! The paths behind the happy path: poison outbox rows, settlements whose jobs never ran, a
//! reused idempotency key, and drafts that must not leak through any operation.

use crate::lifecycle::{balance, dec, participant_to, try_procurement_status};
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_unreadable_outbox_row_is_set_aside_and_does_not_block_the_rest() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    sqlx::query("INSERT INTO outbox (queue, task_id, payload) VALUES ('lifecycle', 'poison:1', '{\"kind\":\"from_the_future\"}')")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO outbox (queue, task_id, payload) VALUES ('nowhere', 'poison:2', $1)")
        .bind(json!({ "kind": "capture_payment", "participant_id": 1 }))
        .execute(&app.pool)
        .await
        .unwrap();
    app.set_status(id, "stopped").await; // a good row behind the poison
    let conn = workers::storage::connect("redis://127.0.0.1:6379").await.unwrap();
    let mut relay = workers::relay::Relay::new(app.pool.clone(), conn, &app.namespace);
    let pushed = relay.relay_once().await.unwrap();
    assert_eq!(pushed, 3, "publish, stop and the deadline job; not the two poison rows");
    let rows: Vec<(String, bool, Option<String>)> = sqlx::query_as(
        "SELECT task_id, sent_at IS NOT NULL, error FROM outbox WHERE task_id LIKE 'poison:%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    for (task, sent, error) in &rows {
        assert!(!sent, "{task} must not pass as delivered");
        assert!(error.as_deref().is_some_and(|e| !e.is_empty()), "{task} carries its reason");
    }
    assert_eq!(relay.relay_once().await.unwrap(), 0, "set aside, not retried forever");
}

#[tokio::test]
async fn the_settlement_sweep_pays_out_what_a_lost_job_did_not() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    app.fund(buyer, "1000.00").await;
    let pid = app.join(id, buyer, "2").await.1["id"].as_i64().unwrap();
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    participant_to(&app, pid, "confirmed").await;
    participant_to(&app, pid, "paid").await;
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK);
    // The capture job is lost (say, dead-lettered while the database was down).
    sqlx::query("UPDATE outbox SET sent_at = now()").execute(&app.pool).await.unwrap();
    assert_eq!(workflows::sweeps::sweep_settlements(&app.pool, 100).await.unwrap(), 0, "within the grace period");
    sqlx::query("UPDATE payments SET updated_at = now() - interval '10 minutes'").execute(&app.pool).await.unwrap();
    assert_eq!(workflows::sweeps::sweep_settlements(&app.pool, 100).await.unwrap(), 1);
    assert_eq!(balance(&app, organizer).await, dec("200.00"));
    assert_eq!(workflows::sweeps::sweep_settlements(&app.pool, 100).await.unwrap(), 0, "settled once");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn an_idempotency_key_reused_for_another_amount_is_refused() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let path = format!("/api/users/{user}/update_balance/");
    let first =
        send(app.service(Method::POST, &path).json(&json!({ "amount": "500.00", "idempotency_key": "k1" }))).await;
    assert_eq!(first.0, StatusCode::OK, "{}", first.1);
    let replay =
        send(app.service(Method::POST, &path).json(&json!({ "amount": "500.00", "idempotency_key": "k1" }))).await;
    assert_eq!(replay.0, StatusCode::OK, "a retry is fine: {}", replay.1);
    let other =
        send(app.service(Method::POST, &path).json(&json!({ "amount": "-300.00", "idempotency_key": "k1" }))).await;
    assert_error(&other, StatusCode::CONFLICT, "idempotency_key_reused");
    assert_eq!(balance(&app, user).await, dec("500.00"));
}

#[tokio::test]
async fn a_draft_is_not_found_through_any_operation_by_strangers() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let stranger = app.register("organizer").await;
    let draft = app.draft(organizer, json!({})).await;
    let attempts = [
        (Method::POST, format!("/api/procurements/{draft}/update_status/"), json!({ "status": "active" })),
        (Method::PATCH, format!("/api/procurements/{draft}/"), json!({ "title": "Чужое" })),
        (Method::PUT, format!("/api/procurements/{draft}/"), json!({ "title": "Чужое" })),
        (Method::POST, format!("/api/procurements/{draft}/leave/"), json!({ "user_id": stranger })),
        (Method::POST, format!("/api/procurements/{draft}/check_access/"), json!({ "user_id": stranger })),
        (Method::POST, format!("/api/procurements/{draft}/join/"), json!({ "user_id": stranger })),
    ];
    for (method, path, body) in attempts {
        let r = send(app.as_user(stranger, method.clone(), &path).json(&body)).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
    let r = send(app.as_user(
        stranger,
        Method::GET,
        &format!("/api/procurements/participants/?procurement={draft}&user={stranger}"),
    ))
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.procurement(draft).await["status"], "draft");
    assert_eq!(app.procurement(draft).await["title"], "Мёд");
}
