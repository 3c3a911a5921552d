//! Notifications for staff at `/api/admin/notifications/`: the list with its filters, and
//! `send_bulk` through its durable job: run twice it writes nothing twice, and each row is
//! delivered live like any other notification.

use crate::admin_ops::{audit_rows, refused_to_outsiders};
use crate::support::*;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use workflows::jobs::Job;

async fn rows_of(app: &TestApp, title: &str) -> Vec<(i64, String, String)> {
    sqlx::query_as("SELECT user_id, notification_type, message FROM notifications WHERE title = $1 ORDER BY user_id")
        .bind(title)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn send_bulk_to_everyone_runs_as_a_job_that_writes_once_and_delivers_live() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("announcer").await;
    let (ann, bob) = (app.register("buyer").await, app.register("organizer").await);
    let inactive = app.register("buyer").await;
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1").bind(inactive).execute(&app.pool).await.unwrap();
    let client = redis::Client::open(REDIS_URL).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub.subscribe(workers::courier::RedisCourier::channel(&app.namespace, ann)).await.unwrap();

    let (status, body) = send(
        app.as_staff(&token, Method::POST, "/api/admin/notifications/send_bulk/")
            .json(&json!({ "title": "Maintenance", "message": "Tonight at 23:00" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sent"], 2, "every active person, not staff: {body}");
    let task = body["job"].as_str().unwrap().to_string();
    assert!(task.starts_with("notification.bulk:"), "{task}");
    assert!(rows_of(&app, "Maintenance").await.is_empty(), "written by the job, not the request");
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE task_id = $1 AND queue = 'notifications'")
        .bind(&task)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 1, "a durable job on the notifications queue");

    app.drain().await;
    let written = rows_of(&app, "Maintenance").await;
    let expected: Vec<(i64, String, String)> =
        [ann, bob].iter().map(|&u| (u, "system".to_string(), "Tonight at 23:00".to_string())).collect();
    assert_eq!(written, expected);
    let mut frames = pubsub.on_message();
    let live = tokio::time::timeout(std::time::Duration::from_secs(5), frames.next()).await.unwrap().unwrap();
    let live: Value = serde_json::from_str(&live.get_payload::<String>().unwrap()).unwrap();
    assert_eq!((live["title"].as_str(), live["user_id"].as_i64()), (Some("Maintenance"), Some(ann)), "{live}");

    // The job again (a redelivery): nothing new.
    let bulk_id: i64 = task.rsplit(':').next().unwrap().parse().unwrap();
    workflows::jobs::run(&app.jobs().await, &Job::SendBulkNotification { bulk_id }).await.unwrap();
    app.drain().await;
    assert_eq!(rows_of(&app, "Maintenance").await, expected, "no duplicates");

    let rows = audit_rows(&app, "bulk_notification").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["action"].as_str(), rows[0]["staff_id"].as_i64()),
        (Some("notification.send_bulk"), Some(staff_id))
    );
    assert_eq!(rows[0]["entity_id"], bulk_id.to_string());
    assert_eq!(rows[0]["after"]["sent"], 2);
    assert_eq!(rows[0]["after"]["title"], "Maintenance");
}

#[tokio::test]
async fn send_bulk_to_given_people_and_the_list_with_its_filters() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("announcer").await;
    let (ann, bob, cid) = (app.register("buyer").await, app.register("buyer").await, app.register("buyer").await);
    let bulk =
        |body: Value| send(app.as_staff(&token, Method::POST, "/api/admin/notifications/send_bulk/").json(&body));

    let (status, body) = bulk(json!({ "user_ids": [ann, bob, 999_999], "notification_type": "procurement_update",
                                      "title": "Sale", "message": "Half price" }))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sent"], 2, "only people who exist: {body}");
    app.drain().await;
    assert_eq!(rows_of(&app, "Sale").await.len(), 2);
    sqlx::query("UPDATE notifications SET is_read = TRUE WHERE user_id = $1")
        .bind(bob)
        .execute(&app.pool)
        .await
        .unwrap();

    for refused in [
        json!({ "message": "no title" }),
        json!({ "title": "no message" }),
        json!({ "title": "   ", "message": "blank title" }),
        json!({ "title": "blank message", "message": " " }),
        json!({ "title": "t", "message": "m", "notification_type": "gossip" }),
    ] {
        let (status, body) = bulk(refused.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}: {body}");
    }
    assert_eq!(audit_rows(&app, "bulk_notification").await.len(), 1, "refusals record nothing");

    let get = |query: &str| send(app.as_staff(&token, Method::GET, &format!("/api/admin/notifications/?{query}")));
    let (status, all) = get("").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["count"], 2, "{all}");
    for key in [
        "id",
        "user",
        "notification_type",
        "title",
        "message",
        "procurement",
        "procurement_title",
        "is_read",
        "created_at",
    ] {
        assert!(all["results"][0].get(key).is_some(), "{key}: {all}");
    }
    assert_eq!(get(&format!("user={ann}")).await.1["count"], 1);
    assert_eq!(get(&format!("user={cid}")).await.1["count"], 0);
    assert_eq!(get("notification_type=procurement_update").await.1["count"], 2);
    assert_eq!(get("notification_type=system").await.1["count"], 0);
    let (_, read) = get("is_read=true").await;
    assert_eq!((read["count"].as_i64(), read["results"][0]["user"].as_i64()), (Some(1), Some(bob)));
    assert_eq!(get("is_read=false").await.1["count"], 1);
    for bad in ["notification_type=gossip", "is_read=perhaps", "ordering=title", "user=x"] {
        let (status, body) = get(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    refused_to_outsiders(&app, Method::GET, "/api/admin/notifications/", ann).await;
    refused_to_outsiders(&app, Method::POST, "/api/admin/notifications/send_bulk/", ann).await;
}

/// The original admin test (`test_admin_api.py`, AdminNotificationTests): no user_ids reaches
/// both people.
#[tokio::test]
async fn the_originals_bulk_notification_test() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("admin").await;
    app.register("buyer").await;
    app.register("organizer").await;
    let (status, body) = send(
        app.as_staff(&token, Method::POST, "/api/admin/notifications/send_bulk/")
            .json(&json!({ "title": "Test", "message": "Test message" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sent"], 2);
    app.drain().await;
    assert_eq!(rows_of(&app, "Test").await.len(), 2);
}
