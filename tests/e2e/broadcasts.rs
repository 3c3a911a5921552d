//! Broadcasts: who may write and steer them, their state machine over the API, one durable job
//! per target through the Messenger port, "all users" expanded when they start, a worker killed
//! mid-way that sends no target twice, and the history's counts.

use crate::broadcasts_double::Recording;
use crate::messenger_notifications::telegram_id;
use crate::support::{TestApp, assert_error, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use workflows::jobs::{self, Job};
use workflows::messenger::Platform;

fn chats(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| json!({ "platform": "telegram", "chat_id": id })).collect())
}

async fn drain(app: &TestApp, messenger: &Arc<Recording>) -> usize {
    workers::inline::drain(&messenger.in_context(app.jobs().await)).await.expect("jobs run")
}

async fn get(app: &TestApp, id: i64) -> Value {
    let (status, body) = send(app.service(Method::GET, &format!("/api/broadcasts/{id}/"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// (sent, failed, pending) as the history counts them.
fn counts(b: &Value) -> (i64, i64, i64) {
    (b["sent"].as_i64().unwrap(), b["failed"].as_i64().unwrap(), b["pending"].as_i64().unwrap())
}

#[tokio::test]
async fn broadcasts_lifecycle_and_who_may_broadcast() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let other = app.register("organizer").await;
    let buyer = app.register("buyer").await;
    let body = json!({ "text": "Новая закупка мёда!", "targets": [
        { "platform": "telegram", "chat_id": "-1001234567890" }, { "platform": "vk", "chat_id": "2000000001" },
        { "platform": "telegram", "chat_id": "@groupbuy_news" }, { "platform": "telegram", "chat_id": "-1001234567890" } ] });
    let (status, draft) = send(app.as_user(organizer, Method::POST, "/api/broadcasts/").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!((draft["status"].as_str(), draft["author_id"].as_i64()), (Some("draft"), Some(organizer)));
    assert_eq!((draft["targets"].as_i64(), counts(&draft)), (Some(3), (0, 0, 3)), "a chat named twice is one target");
    let id = draft["id"].as_i64().unwrap();

    // Refusals change nothing.
    let as_buyer = send(app.as_user(buyer, Method::POST, "/api/broadcasts/").json(&body)).await;
    assert_error(&as_buyer, StatusCode::FORBIDDEN, "forbidden");
    let everyone = json!({ "text": "всем", "targets": [{ "platform": "telegram", "all_users": true }] });
    let not_staff = send(app.as_user(organizer, Method::POST, "/api/broadcasts/").json(&everyone)).await;
    assert_error(&not_staff, StatusCode::FORBIDDEN, "forbidden");
    let as_other = json!({ "text": "x", "targets": chats(&["-100"]), "author_id": other });
    let impersonating = send(app.as_user(organizer, Method::POST, "/api/broadcasts/").json(&as_other)).await;
    assert_error(&impersonating, StatusCode::FORBIDDEN, "forbidden");
    for bad in [
        json!({ "text": "   ", "targets": chats(&["-100"]) }),
        json!({ "text": "x", "targets": [{ "platform": "whatsapp", "chat_id": "1" }] }),
        json!({ "text": "x", "targets": [] }),
        json!({ "text": "x", "targets": chats(&["news"]) }),
        json!({ "text": "x", "targets": [{ "platform": "vk" }] }),
        json!({ "text": "x", "targets": [{ "platform": "vk", "chat_id": "1", "all_users": true }] }),
    ] {
        let (status, error) = send(app.as_user(organizer, Method::POST, "/api/broadcasts/").json(&bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {error}");
        assert!(error["code"].is_string() && error["error"].is_string(), "{error}");
    }
    let path = |action: &str| format!("/api/broadcasts/{id}/{action}");
    assert_error(&send(app.as_user(other, Method::GET, &path(""))).await, StatusCode::FORBIDDEN, "forbidden");
    assert_error(&send(app.as_user(other, Method::POST, &path("start/"))).await, StatusCode::FORBIDDEN, "forbidden");
    let (_, others_history) = send(app.as_user(other, Method::GET, "/api/broadcasts/")).await;
    assert_eq!(others_history["count"], 0, "{others_history}");
    let missing = send(app.service(Method::GET, "/api/broadcasts/999999/")).await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(get(&app, id).await["status"], "draft");

    let (status, started) = send(app.as_user(organizer, Method::POST, &path("start/"))).await;
    assert_eq!((status, started["status"].as_str()), (StatusCode::OK, Some("queued")), "{started}");
    let again = send(app.as_user(organizer, Method::POST, &path("start/"))).await;
    assert_error(&again, StatusCode::CONFLICT, "illegal_transition");
    let messenger = Recording::serving(&[Platform::Telegram, Platform::Vk]);
    drain(&app, &messenger).await;
    let done = get(&app, id).await;
    assert_eq!((done["status"].as_str(), counts(&done)), (Some("completed"), (3, 0, 0)), "{done}");
    assert!(done["finished_at"].is_string());
    for chat in ["-1001234567890", "2000000001", "@groupbuy_news"] {
        assert_eq!(messenger.sent_to(chat), 1, "{chat}");
    }
    assert!(messenger.sent().iter().all(|m| m.text == "Новая закупка мёда!"));
    let late = send(app.as_user(organizer, Method::POST, &path("cancel/"))).await;
    assert_error(&late, StatusCode::CONFLICT, "illegal_transition");

    // A draft cancelled never starts; the history has both, with counts.
    let (_, second) = send(app.as_user(organizer, Method::POST, "/api/broadcasts/").json(&body)).await;
    let second_id = second["id"].as_i64().unwrap();
    let cancel = format!("/api/broadcasts/{second_id}/cancel/");
    let (status, cancelled) = send(app.as_user(organizer, Method::POST, &cancel)).await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    let start = send(app.as_user(organizer, Method::POST, &format!("/api/broadcasts/{second_id}/start/"))).await;
    assert_error(&start, StatusCode::CONFLICT, "illegal_transition");
    let (status, history) = send(app.as_user(organizer, Method::GET, "/api/broadcasts/")).await;
    assert_eq!((status, history["count"].as_i64()), (StatusCode::OK, Some(2)), "{history}");
    assert_eq!(history["results"][0]["id"], second_id, "newest first");
    assert_eq!(counts(&history["results"][0]), (0, 0, 3));
    assert_eq!(counts(&history["results"][1]), (3, 0, 0));
}

#[tokio::test]
async fn broadcasts_to_all_users_are_expanded_when_started_and_staff_only() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let staff = app.register("buyer").await;
    let quiet = app.register("buyer").await;
    let gone = app.register("buyer").await;
    sqlx::query("UPDATE users SET is_staff = TRUE WHERE id = $1").bind(staff).execute(&app.pool).await.unwrap();
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1").bind(gone).execute(&app.pool).await.unwrap();
    workflows::notify::set_messenger_notifications(&app.pool, quiet, false).await.unwrap();
    let body = json!({ "text": "Всем привет", "targets": [
        { "platform": "telegram", "all_users": true }, { "platform": "telegram", "chat_id": "-100777" }] });
    let (status, draft) = send(app.as_user(staff, Method::POST, "/api/broadcasts/").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!((draft["all_users"].clone(), draft["targets"].as_i64()), (json!(["telegram"]), Some(1)));
    // Someone who links Telegram after the draft is written is still reached: expanded at start.
    let late = app.register("buyer").await;
    let id = draft["id"].as_i64().unwrap();
    let (status, started) = send(app.as_user(staff, Method::POST, &format!("/api/broadcasts/{id}/start/"))).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(started["targets"], 4, "organizer, staff, late and the channel: {started}");
    let messenger = Recording::serving(&[Platform::Telegram]);
    drain(&app, &messenger).await;
    for user in [organizer, staff, late] {
        assert_eq!(messenger.sent_to(&telegram_id(&app, user).await), 1);
    }
    for user in [quiet, gone] {
        assert_eq!(messenger.sent_to(&telegram_id(&app, user).await), 0, "switched off or deactivated");
    }
    assert_eq!((messenger.sent_to("-100777"), messenger.sent().len()), (1, 4));
    assert_eq!(counts(&get(&app, id).await), (4, 0, 0));

    // Nobody on VK: nothing to start, and nothing is written.
    let vk = json!({ "text": "вк", "targets": [{ "platform": "vk", "all_users": true }], "start": true });
    assert_error(
        &send(app.service(Method::POST, "/api/broadcasts/").json(&vk)).await,
        StatusCode::CONFLICT,
        "no_targets",
    );
    let (_, history) = send(app.service(Method::GET, "/api/broadcasts/")).await;
    assert_eq!(history["count"], 1, "{history}");
}

/// The outbox's target jobs of a broadcast, in order.
async fn target_jobs(app: &TestApp, broadcast: i64) -> Vec<Job> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM broadcast_targets WHERE broadcast_id = $1 ORDER BY id")
        .bind(broadcast)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    ids.into_iter().map(|target_id| Job::BroadcastTarget { target_id }).collect()
}

#[tokio::test]
async fn broadcasts_resume_after_a_worker_dies_without_sending_any_target_twice() {
    let app = TestApp::spawn().await;
    let names: Vec<String> = (1..=20).map(|n| format!("-100{n}")).collect();
    let targets: Vec<&str> = names.iter().map(String::as_str).collect();
    let body = json!({ "text": "акция", "targets": chats(&targets), "start": true });
    let (status, started) = send(app.service(Method::POST, "/api/broadcasts/").json(&body)).await;
    assert_eq!((status, started["status"].as_str()), (StatusCode::CREATED, Some("queued")), "{started}");
    let id = started["id"].as_i64().unwrap();
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE queue = 'broadcasts'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 20, "one job per target on the broadcasts queue");
    let jobs = target_jobs(&app, id).await;
    let messenger = Recording::serving(&[Platform::Telegram]);
    let ctx = messenger.in_context(app.jobs().await);

    // A first worker sends five targets, then dies while sending the sixth: the messenger took
    // it, our record of that never came.
    for job in &jobs[..5] {
        jobs::run(&ctx, job).await.unwrap();
    }
    assert_eq!(get(&app, id).await["status"], "sending");
    let Job::BroadcastTarget { target_id: dying } = jobs[5] else { unreachable!() };
    sqlx::query(
        "UPDATE broadcast_targets SET status = 'sending', attempts = 1, updated_at = now() - interval '10 minutes'
         WHERE id = $1",
    )
    .bind(dying)
    .execute(&app.pool)
    .await
    .unwrap();
    let sixth = workflows::messenger::Outbound {
        platform: Platform::Telegram,
        chat_id: names[5].clone(),
        text: "акция".into(),
        key: "taken before the crash".into(),
    };
    workflows::messenger::Messenger::send(messenger.as_ref(), &sixth).await.unwrap();

    // The next worker runs everything the queue still holds (the first five again among them),
    // then every job once more.
    drain(&app, &messenger).await;
    for job in &jobs {
        jobs::run(&ctx, job).await.unwrap();
    }
    for name in &names {
        assert_eq!(messenger.sent_to(name), 1, "{name}");
    }
    let done = get(&app, id).await;
    assert_eq!((done["status"].as_str(), counts(&done)), (Some("completed"), (19, 1, 0)), "{done}");
    let error: String = sqlx::query_scalar("SELECT error FROM broadcast_targets WHERE id = $1")
        .bind(dying)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(error.starts_with("interrupted"), "{error}");
}

#[tokio::test]
async fn broadcasts_cancelled_mid_way_send_no_more() {
    let app = TestApp::spawn().await;
    let body = json!({ "text": "стоп", "targets": chats(&["-1001", "-1002", "-1003", "-1004"]), "start": true });
    let (_, started) = send(app.service(Method::POST, "/api/broadcasts/").json(&body)).await;
    let id = started["id"].as_i64().unwrap();
    let jobs = target_jobs(&app, id).await;
    let messenger = Recording::serving(&[Platform::Telegram]);
    messenger.answer("-1002", [workflows::messenger::SendError::Refused("Forbidden: bot is not a member".into())]);
    let ctx = messenger.in_context(app.jobs().await);
    for job in &jobs[..2] {
        jobs::run(&ctx, job).await.unwrap();
    }
    // A staff member (the service key) may cancel anyone's.
    let (status, cancelled) = send(app.service(Method::POST, &format!("/api/broadcasts/{id}/cancel/"))).await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    drain(&app, &messenger).await;
    assert_eq!(messenger.sent().iter().map(|m| m.chat_id.as_str()).collect::<Vec<_>>(), ["-1001"]);
    assert_eq!(counts(&get(&app, id).await), (1, 1, 2), "refused recorded failed; the rest never sent");
}

#[tokio::test]
async fn broadcasts_to_a_platform_without_a_bot_fail_with_the_reason() {
    let app = TestApp::spawn().await;
    let body = json!({ "text": "вк", "targets": [{ "platform": "vk", "chat_id": "2000000005" }], "start": true });
    let (_, started) = send(app.service(Method::POST, "/api/broadcasts/").json(&body)).await;
    let id = started["id"].as_i64().unwrap();
    let messenger = Recording::serving(&[Platform::Telegram]);
    drain(&app, &messenger).await;
    let done = get(&app, id).await;
    assert_eq!((done["status"].as_str(), counts(&done)), (Some("completed"), (0, 1, 0)), "{done}");
    assert!(messenger.sent().is_empty());
}

#[tokio::test]
async fn broadcasts_leave_a_target_another_run_is_sending_and_look_again_later() {
    let app = TestApp::spawn().await;
    let body = json!({ "text": "вдвоём", "targets": chats(&["-1009"]), "start": true });
    let (_, started) = send(app.service(Method::POST, "/api/broadcasts/").json(&body)).await;
    let id = started["id"].as_i64().unwrap();
    let job = target_jobs(&app, id).await.remove(0);
    let Job::BroadcastTarget { target_id } = job else { unreachable!() };
    // Another worker took the target a moment ago and is still waiting for the messenger.
    sqlx::query("UPDATE broadcast_targets SET status = 'sending', attempts = 1, updated_at = now() WHERE id = $1")
        .bind(target_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let messenger = Recording::serving(&[Platform::Telegram]);
    let ctx = messenger.in_context(app.jobs().await);
    jobs::run(&ctx, &job).await.unwrap();
    assert!(messenger.sent().is_empty(), "not sent while another run may be sending it");
    let (task_id, in_secs): (String, f64) = sqlx::query_as(
        "SELECT task_id, extract(epoch FROM run_at - now())::float8 FROM outbox WHERE task_id LIKE '%~s%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(task_id.starts_with(&format!("broadcast:target:{target_id}~s")), "{task_id}");
    assert!((100.0..130.0).contains(&in_secs), "looks again once that run would be stale: {in_secs}");

    // That run never recorded anything: once stale, the target is recorded interrupted.
    sqlx::query("UPDATE broadcast_targets SET updated_at = now() - interval '3 minutes' WHERE id = $1")
        .bind(target_id)
        .execute(&app.pool)
        .await
        .unwrap();
    jobs::run(&ctx, &job).await.unwrap();
    assert!(messenger.sent().is_empty());
    let done = get(&app, id).await;
    assert_eq!((done["status"].as_str(), counts(&done)), (Some("completed"), (0, 1, 0)), "{done}");
}

#[tokio::test]
async fn broadcasts_to_ten_thousand_targets_are_written_in_batches() {
    let app = TestApp::spawn().await;
    let targets = (0..10_000)
        .map(|n| workflows::broadcast::Target::Chat {
            platform: Platform::Telegram,
            chat_id: format!("{}", 7_000_000_000_i64 + n),
        })
        .collect();
    let new = workflows::broadcast::NewBroadcast { author_id: None, text: "bench".into(), targets };
    let began = std::time::Instant::now();
    let b = workflows::broadcast::create(&app.pool, workflows::Actor::System, new, true).await.unwrap();
    let took = began.elapsed();
    assert_eq!((b.targets, b.pending, b.status.to_string().as_str()), (10_000, 10_000, "queued"));
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE queue = 'broadcasts' AND task_id LIKE 'broadcast:target:%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(queued, 10_000);
    assert!(took < std::time::Duration::from_secs(20), "written and queued in {took:?}");
}

#[tokio::test]
async fn broadcasts_and_messenger_notifications_run_through_redis_worker_pools() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let buyer_chat = telegram_id(&app, buyer).await;
    let messenger = Recording::serving(&[Platform::Telegram]);
    // One target asks to wait a second; it is sent after, once.
    messenger.answer("-1005", [workflows::messenger::SendError::RetryAfter(std::time::Duration::from_secs(1))]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let namespace = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
    let config = workers::pool::PoolConfig { namespace, concurrency: 4, ..Default::default() };
    let runtime = tokio::spawn(workers::runtime::run_with_messenger(
        app.pool.clone(),
        app.bank.clone(),
        messenger.clone(),
        crate::support::REDIS_URL,
        config,
        async {
            let _ = stopped.await;
        },
    ));
    let names: Vec<String> = (1..=12).map(|n| format!("-100{n}")).collect();
    let targets: Vec<&str> = names.iter().map(String::as_str).collect();
    let body = json!({ "text": "через очередь", "targets": chats(&targets), "start": true });
    let (_, started) = send(app.service(Method::POST, "/api/broadcasts/").json(&body)).await;
    let id = started["id"].as_i64().unwrap();
    let (status, _) = send(app.service(Method::POST, "/api/chat/notifications/send/").json(&json!({
        "user_id": buyer, "notification_type": "system", "title": "Привет", "message": "из очереди"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let limit = std::time::Duration::from_secs(30);
    crate::support::eventually("the broadcast to complete", limit, || async {
        get(&app, id).await["status"] == "completed"
    })
    .await;
    crate::support::eventually("the notification in the messenger", limit, || async {
        messenger.sent_to(&buyer_chat) == 1
    })
    .await;
    for name in &names {
        assert_eq!(messenger.sent_to(name), 1, "{name}");
    }
    assert_eq!(counts(&get(&app, id).await), (12, 0, 0));
    stop.send(()).unwrap();
    runtime.await.unwrap().expect("pools stop cleanly");
}
