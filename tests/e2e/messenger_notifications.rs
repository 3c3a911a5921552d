//! Notifications in the messenger: each goes once to every messenger its person linked, not at
//! all when they switched it off or no bot serves the platform; a request to wait is honoured
//! and a refusal recorded, and a job run twice sends once.

use crate::broadcasts_double::Recording;
use crate::support::{TestApp, send};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use workflows::jobs::{self, Job};
use workflows::messenger::{Platform, SendError};

async fn notify(app: &TestApp, user: i64, title: &str) -> i64 {
    let (status, body) = send(app.service(Method::POST, "/api/chat/notifications/send/").json(&json!({
        "user_id": user, "notification_type": "system", "title": title, "message": "текст"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

pub async fn telegram_id(app: &TestApp, user: i64) -> String {
    sqlx::query_scalar("SELECT platform_user_id FROM user_identities WHERE user_id = $1 AND platform = 'telegram'")
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn link_vk(app: &TestApp, user: i64, vk_id: &str) {
    let (status, body) = send(
        app.service(Method::POST, &format!("/api/users/{user}/link_platform/"))
            .json(&json!({ "platform": "vk", "platform_user_id": vk_id })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// (platform, status, attempts, message_id, error) of each messenger delivery of a notification.
async fn deliveries(app: &TestApp, notification: i64) -> Vec<(String, String, i32, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT platform, status, attempts, message_id, error FROM messenger_deliveries
         WHERE notification_id = $1 ORDER BY platform",
    )
    .bind(notification)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn drain(app: &TestApp, messenger: &std::sync::Arc<Recording>) -> usize {
    workers::inline::drain(&messenger.in_context(app.jobs().await)).await.expect("jobs run")
}

#[tokio::test]
async fn messenger_notifications_go_once_to_each_linked_messenger() {
    let app = TestApp::spawn().await;
    let alice = app.register("buyer").await;
    link_vk(&app, alice, "5550001").await;
    let bob = app.register("buyer").await;
    let messenger = Recording::serving(&[Platform::Telegram, Platform::Vk]);
    let id = notify(&app, alice, "Оплата получена").await;
    drain(&app, &messenger).await;
    let alice_tg = telegram_id(&app, alice).await;
    assert_eq!((messenger.sent_to(&alice_tg), messenger.sent_to("5550001")), (1, 1));
    assert_eq!(messenger.sent().len(), 2, "nothing to bob, who was not notified");
    assert!(messenger.sent()[0].text.starts_with("Оплата получена\n\nтекст"), "{:?}", messenger.sent());
    let rows = deliveries(&app, id).await;
    assert_eq!(rows.len(), 2);
    for (platform, status, attempts, message_id, error) in &rows {
        assert_eq!((status.as_str(), *attempts, error), ("sent", 1, &None), "{platform}");
        assert!(message_id.is_some());
    }

    // Every job again, and the delivery job itself again: nothing new is sent.
    let ctx = messenger.in_context(app.jobs().await);
    for job in [
        Job::DeliverNotification { notification_id: id },
        Job::MessengerNotification { notification_id: id, platform: Platform::Telegram },
        Job::MessengerNotification { notification_id: id, platform: Platform::Vk },
    ] {
        jobs::run(&ctx, &job).await.unwrap();
        jobs::run(&ctx, &job).await.unwrap();
    }
    drain(&app, &messenger).await;
    assert_eq!(messenger.sent().len(), 2);
    notify(&app, bob, "Бобу").await;
    drain(&app, &messenger).await;
    assert_eq!(messenger.sent_to(&telegram_id(&app, bob).await), 1);
}

#[tokio::test]
async fn messenger_notifications_not_sent_when_switched_off_or_not_served() {
    let app = TestApp::spawn().await;
    let quiet = app.register("buyer").await;
    workflows::notify::set_messenger_notifications(&app.pool, quiet, false).await.unwrap();
    let on_vk = app.register("buyer").await;
    link_vk(&app, on_vk, "5550002").await;
    let vk_only = Recording::serving(&[Platform::Vk]);
    let patch = app.as_user(on_vk, Method::PATCH, &format!("/api/users/{on_vk}/"));
    let (status, user) = send(patch.json(&json!({ "messenger_notifications": false }))).await;
    assert_eq!((status, user["messenger_notifications"].as_bool()), (StatusCode::OK, Some(false)), "{user}");
    let patched_off = notify(&app, on_vk, "выключено").await;
    drain(&app, &vk_only).await;
    assert!(deliveries(&app, patched_off).await.is_empty(), "switched off through the REST update");
    let patch = app.as_user(on_vk, Method::PATCH, &format!("/api/users/{on_vk}/"));
    let (status, user) = send(patch.json(&json!({ "messenger_notifications": true }))).await;
    assert_eq!((status, user["messenger_notifications"].as_bool()), (StatusCode::OK, Some(true)), "{user}");
    let switched_off = notify(&app, quiet, "тихо").await;
    let telegram_unserved = notify(&app, on_vk, "вк").await;
    drain(&app, &vk_only).await;
    assert!(deliveries(&app, switched_off).await.is_empty());
    let rows = deliveries(&app, telegram_unserved).await;
    assert_eq!(rows.len(), 1, "only the VK copy: no bot serves Telegram here");
    assert_eq!(vk_only.sent().iter().map(|m| m.chat_id.as_str()).collect::<Vec<_>>(), ["5550002"]);

    // A worker with no bot configured queues nothing at all.
    let unserved = notify(&app, on_vk, "без бота").await;
    app.drain().await;
    assert!(deliveries(&app, unserved).await.is_empty());
    assert!(matches!(
        workflows::notify::set_messenger_notifications(&app.pool, 0, true).await,
        Err(workflows::DomainError::NotFound { .. })
    ));

    // Switched off after the copy was queued: it is not sent, and says why.
    workflows::notify::set_messenger_notifications(&app.pool, on_vk, true).await.unwrap();
    let late = notify(&app, on_vk, "поздно").await;
    let ctx = vk_only.in_context(app.jobs().await);
    jobs::run(&ctx, &Job::DeliverNotification { notification_id: late }).await.unwrap();
    workflows::notify::set_messenger_notifications(&app.pool, on_vk, false).await.unwrap();
    drain(&app, &vk_only).await;
    let rows = deliveries(&app, late).await;
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("failed", 0), "{rows:?}");
    assert_eq!(vk_only.sent().len(), 1);
}

#[tokio::test]
async fn messenger_notification_told_to_wait_is_sent_later_once() {
    let app = TestApp::spawn().await;
    let alice = app.register("buyer").await;
    let chat = telegram_id(&app, alice).await;
    let messenger = Recording::serving(&[Platform::Telegram]);
    messenger.answer(&chat, [SendError::RetryAfter(Duration::from_secs(1))]);
    let id = notify(&app, alice, "подождите").await;
    drain(&app, &messenger).await;
    assert_eq!(messenger.sent_to(&chat), 0);
    let rows = deliveries(&app, id).await;
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("pending", 1), "{rows:?}");
    let later: Vec<String> =
        sqlx::query_scalar("SELECT task_id FROM outbox WHERE sent_at IS NULL AND run_at > now() ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(later, [format!("messenger:notification:{id}:telegram~w1")]);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    drain(&app, &messenger).await;
    drain(&app, &messenger).await;
    assert_eq!(messenger.sent_to(&chat), 1);
    let rows = deliveries(&app, id).await;
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("sent", 2), "{rows:?}");
}

#[tokio::test]
async fn messenger_notification_refused_is_recorded_and_not_retried_unavailable_is() {
    let app = TestApp::spawn().await;
    let alice = app.register("buyer").await;
    let bob = app.register("buyer").await;
    let (alice_chat, bob_chat) = (telegram_id(&app, alice).await, telegram_id(&app, bob).await);
    let messenger = Recording::serving(&[Platform::Telegram]);
    messenger.answer(&alice_chat, [SendError::Refused("Forbidden: bot was blocked by the user".into())]);
    let refused = notify(&app, alice, "заблокирован").await;
    drain(&app, &messenger).await;
    let job = Job::MessengerNotification { notification_id: refused, platform: Platform::Telegram };
    let ctx = messenger.in_context(app.jobs().await);
    jobs::run(&ctx, &job).await.unwrap();
    assert_eq!(messenger.sent_to(&alice_chat), 0, "a refusal is final, although a resend would now pass");
    let rows = deliveries(&app, refused).await;
    assert_eq!((rows[0].1.as_str(), rows[0].4.as_deref()), ("failed", Some("Forbidden: bot was blocked by the user")));

    messenger.answer(&bob_chat, [SendError::Unavailable("connection reset".into())]);
    let unavailable = notify(&app, bob, "сеть").await;
    jobs::run(&ctx, &Job::DeliverNotification { notification_id: unavailable }).await.unwrap();
    let job = Job::MessengerNotification { notification_id: unavailable, platform: Platform::Telegram };
    assert!(matches!(jobs::run(&ctx, &job).await, Err(jobs::JobError::Retry(_))), "retried with back-off");
    let rows = deliveries(&app, unavailable).await;
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("pending", 1), "{rows:?}");
    jobs::run(&ctx, &job).await.unwrap();
    jobs::run(&ctx, &job).await.unwrap();
    assert_eq!(messenger.sent_to(&bob_chat), 1);
    assert_eq!(deliveries(&app, unavailable).await[0].1, "sent");
}
