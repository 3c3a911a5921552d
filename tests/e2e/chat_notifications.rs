//! Notifications people see: the REST list limited to one's own rows, read marks, the staff
//! `send`, and live delivery with the unread badge on `/ws/notifications/`.

use crate::sockets::*;
use crate::support::{TestApp, assert_error, send};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn send_notification(app: &TestApp, user: i64, title: &str) -> serde_json::Value {
    let (status, body) = send(app.service(Method::POST, "/api/chat/notifications/send/").json(&json!({
        "user_id": user, "notification_type": "system", "title": title, "message": "текст"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn chat_notifications_rest_shows_and_marks_only_ones_own() {
    let app = TestApp::spawn().await;
    let alice = app.register("buyer").await;
    let bob = app.register("buyer").await;
    let first = send_notification(&app, alice, "первое").await;
    send_notification(&app, alice, "второе").await;
    let bobs = send_notification(&app, bob, "для Боба").await;

    let (status, list) = send(app.as_user(alice, Method::GET, "/api/chat/notifications/")).await;
    assert_eq!((status, list["count"].as_i64()), (StatusCode::OK, Some(2)), "{list}");
    assert_eq!(list["results"][0]["title"], "второе", "newest first");
    let mine = format!("/api/chat/notifications/?user_id={bob}");
    assert_error(&send(app.as_user(alice, Method::GET, &mine)).await, StatusCode::FORBIDDEN, "forbidden");
    let theirs = format!("/api/chat/notifications/{}/mark_read/", bobs["id"]);
    assert_error(&send(app.as_user(alice, Method::POST, &theirs)).await, StatusCode::FORBIDDEN, "forbidden");
    let (_, bob_list) = send(app.as_user(bob, Method::GET, "/api/chat/notifications/?unread_only=true")).await;
    assert_eq!(bob_list["count"], 1, "a refused mark changed nothing");

    let (status, read) =
        send(app.as_user(alice, Method::POST, &format!("/api/chat/notifications/{}/mark_read/", first["id"]))).await;
    assert_eq!((status, read["is_read"].as_bool()), (StatusCode::OK, Some(true)), "{read}");
    let (_, unread) = send(app.as_user(alice, Method::GET, "/api/chat/notifications/?unread_only=true")).await;
    assert_eq!(unread["count"], 1);
    let mark_all =
        app.as_user(alice, Method::POST, "/api/chat/notifications/mark_all_read/").json(&json!({ "user_id": alice }));
    let (status, done) = send(mark_all).await;
    assert_eq!((status, done["message"].as_str()), (StatusCode::OK, Some("Marked 1 notifications as read")), "{done}");
    let others =
        app.as_user(alice, Method::POST, "/api/chat/notifications/mark_all_read/").json(&json!({ "user_id": bob }));
    assert_error(&send(others).await, StatusCode::FORBIDDEN, "forbidden");
    let by_user = send(app.as_user(alice, Method::POST, "/api/chat/notifications/send/").json(&json!({
        "user_id": alice, "notification_type": "system", "title": "t", "message": "m"
    })))
    .await;
    assert_error(&by_user, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn chat_notifications_socket_receives_each_once_with_the_badge() {
    let app = TestApp::spawn().await;
    let alice = app.register("buyer").await;
    let bob = app.register("buyer").await;
    send_notification(&app, alice, "до подключения").await;
    app.drain().await;
    let refused = open(&app.base, "/ws/notifications/").await.expect_err("refused");
    assert_eq!(refused.0, StatusCode::UNAUTHORIZED);
    let mut ws = open(&app.base, &format!("/ws/notifications/?token={}", app.user_token(alice))).await.unwrap();
    let hello = next(&mut ws).await;
    assert_eq!((hello["type"].as_str(), hello["unread_count"].as_i64()), (Some("unread_count"), Some(1)));

    send_notification(&app, bob, "не для Алисы").await;
    let sent = send_notification(&app, alice, "живое").await;
    app.drain().await;
    let frame = next(&mut ws).await;
    assert_eq!(frame["type"], "notification", "{frame}");
    assert_eq!(
        (frame["notification"]["id"].clone(), frame["notification"]["title"].as_str()),
        (sent["id"].clone(), Some("живое"))
    );
    assert_eq!(frame["unread_count"], 2);
    // A delivery run again (the job is at-least-once) is not shown twice.
    sqlx::query("UPDATE notifications SET delivered_at = NULL WHERE id = $1")
        .bind(sent["id"].as_i64())
        .execute(&app.pool)
        .await
        .unwrap();
    let jobs = app.jobs().await;
    let id = sent["id"].as_i64().unwrap();
    workflows::notify::deliver(&jobs.pool, jobs.courier.as_ref(), jobs.messenger.as_ref(), id).await.unwrap();
    silent_about(&mut ws, "notification", std::time::Duration::from_millis(700)).await;
}

#[tokio::test]
async fn chat_notifications_new_messages_reach_people_not_in_the_room_once_per_batch() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let away = app.register("buyer").await;
    assert_eq!(app.join(procurement, away, "1").await.0, StatusCode::CREATED);
    let (_in_room, _) = join_room(&app, &app.base, procurement, organizer, None).await;
    for text in ["раз", "два", "три"] {
        post(&app, procurement, buyer, text).await;
    }
    assert_eq!(new_messages(&app, away).await, 1, "one per batch, not one per message");
    assert_eq!(new_messages(&app, organizer).await, 0, "in the room: sees them live");
    assert_eq!(new_messages(&app, buyer).await, 0, "the author");
    let mut ws = open(&app.base, &format!("/ws/notifications/?token={}", app.user_token(away))).await.unwrap();
    next(&mut ws).await;
    send_notification(&app, away, "ещё").await;
    app.drain().await;
    assert_eq!(next(&mut ws).await["unread_count"], 2);
}

async fn new_messages(app: &TestApp, user: i64) -> usize {
    let (_, list) = send(app.as_user(user, Method::GET, "/api/chat/notifications/")).await;
    list["results"].as_array().unwrap().iter().filter(|n| n["notification_type"] == "new_message").count()
}

#[tokio::test]
async fn chat_notifications_socket_badge_follows_marks_made_elsewhere() {
    let app = TestApp::spawn().await;
    let alice = app.register("buyer").await;
    let first = send_notification(&app, alice, "одно").await;
    send_notification(&app, alice, "другое").await;
    let mut ws = open(&app.base, &format!("/ws/notifications/?token={}", app.user_token(alice))).await.unwrap();
    assert_eq!(next(&mut ws).await["unread_count"], 2);
    let path = format!("/api/chat/notifications/{}/mark_read/", first["id"]);
    assert_eq!(send(app.as_user(alice, Method::POST, &path)).await.0, StatusCode::OK);
    let badge = next(&mut ws).await;
    assert_eq!((badge["type"].as_str(), badge["unread_count"].as_i64()), (Some("unread_count"), Some(1)));
    let all = app.as_user(alice, Method::POST, "/api/chat/notifications/mark_all_read/").json(&json!({}));
    assert_eq!(send(all).await.0, StatusCode::OK);
    assert_eq!(next(&mut ws).await["unread_count"], 0);
}

/// Money the person did not move themselves (staff adjusting a balance) reaches them as a
/// `system` notice, once per adjustment.
#[tokio::test]
async fn a_balance_adjustment_is_a_system_notification() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let body = json!({ "amount": "150.00", "description": "Компенсация доставки", "idempotency_key": "comp-1" });
    let path = format!("/api/users/{buyer}/update_balance/");
    let (status, adjusted) = send(app.service(Method::POST, &path).json(&body)).await;
    assert_eq!(status, StatusCode::OK, "{adjusted}");
    // The same adjustment again (its idempotency key) moves nothing and tells nobody twice.
    let (status, again) = send(app.service(Method::POST, &path).json(&body)).await;
    assert_eq!((status, &again["new_balance"]), (StatusCode::OK, &json!("150.00")), "{again}");
    let (_, list) = send(app.as_user(buyer, Method::GET, "/api/chat/notifications/")).await;
    let system: Vec<&serde_json::Value> =
        list["results"].as_array().unwrap().iter().filter(|n| n["notification_type"] == "system").collect();
    assert_eq!(system.len(), 1, "{list}");
    let text = system[0]["message"].as_str().unwrap();
    assert!(text.contains("150") && text.contains("Компенсация доставки"), "{text}");
}
