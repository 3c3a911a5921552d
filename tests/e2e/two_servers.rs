//! The original's two-server layout as processes on this machine: server 1 runs Redis and the
//! chat sockets (`groupbuy chat`); server 2 runs the API, the workers and two schedulers against
//! PostgreSQL. A join on server 2 reaches a chat client on server 1, a deadline moves a
//! procurement exactly once, and the notification arrives on server 1's socket.
//! (`scripts/two-servers.sh` runs this test on its own.)

use crate::sockets::*;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn two_servers_a_join_a_deadline_and_a_notification_cross_between_them() {
    let app = TestApp::spawn().await;
    // Server 1: its own Redis and the chat sockets.
    let redis = OwnRedis::start().await;
    let server1 = Process::serve(&app, "chat", &redis.url(), None).await;
    // Server 2: the API, a worker for every queue, and two schedulers ticking every second.
    let server2 = Process::serve(&app, "api", &redis.url(), None).await;
    let _workers = Process::spawn(&app, &["worker"], &redis.url(), &[]);
    let every_second = [("GROUPBUY_CRON_DEADLINE_SWEEP", "* * * * * *".to_string())];
    let _schedulers = [
        Process::spawn(&app, &["scheduler"], &redis.url(), &every_second),
        Process::spawn(&app, &["scheduler"], &redis.url(), &every_second),
    ];
    let http = reqwest::Client::new();
    let join_on_server2 = |procurement: i64, user: i64| {
        http.post(format!("{}/api/procurements/{procurement}/join/", server2.base))
            .bearer_auth(SERVICE_KEY)
            .json(&json!({ "user_id": user, "quantity": "1" }))
            .send()
    };

    // A join on server 2 that reaches the stop amount stops the procurement; the organizer's
    // chat on server 1 hears of it.
    let (stopping, organizer) = app.active(json!({ "stop_at_amount": "100.00" })).await;
    let (mut organizer_chat, _) = join_room(&app, &server1.base, stopping, organizer, None).await;
    let buyer = app.register("buyer").await;
    let joined = join_on_server2(stopping, buyer).await.unwrap();
    assert_eq!(joined.status(), StatusCode::CREATED);
    let stopped = async {
        // (the publication's own "now active" may come first)
        while !next_of(&mut organizer_chat, "system").await["text"].as_str().unwrap_or_default().contains("stopped") {}
    };
    tokio::time::timeout(Duration::from_secs(30), stopped).await.expect("the stop, on server 1's socket");

    // A procurement whose deadline passes short of its target: cancelled once, although two
    // schedulers tick; the buyer's notification socket on server 1 gets the news.
    let (missing, _) = app.active(json!({ "target_amount": "100000.00" })).await;
    assert_eq!(join_on_server2(missing, buyer).await.unwrap().status(), StatusCode::CREATED);
    let mut inbox = open(&server1.base, &format!("/ws/notifications/?token={}", app.user_token(buyer))).await.unwrap();
    assert_eq!(next(&mut inbox).await["type"], "unread_count");
    sqlx::query("UPDATE procurements SET deadline = now() + interval '2 seconds' WHERE id = $1")
        .bind(missing)
        .execute(&app.pool)
        .await
        .unwrap();
    let pool = app.pool.clone();
    eventually("the deadline to cancel the procurement", Duration::from_secs(60), || {
        let pool = pool.clone();
        async move {
            let status: String = sqlx::query_scalar("SELECT status FROM procurements WHERE id = $1")
                .bind(missing)
                .fetch_one(&pool)
                .await
                .unwrap();
            status == "cancelled"
        }
    })
    .await;
    let notice = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let Some(tokio_tungstenite::tungstenite::Message::Text(text)) =
                next_frame(&mut inbox, Duration::from_secs(60)).await
            else {
                panic!("the notification socket went quiet or closed");
            };
            let frame: serde_json::Value = serde_json::from_str(&text).unwrap();
            if frame["type"] == "notification" && frame["notification"]["procurement_id"] == missing {
                return frame;
            }
        }
    })
    .await
    .expect("the cancellation's notification on server 1");
    assert_eq!(notice["notification"]["user_id"], buyer, "{notice}");
    let status: String = sqlx::query_scalar("SELECT status FROM procurements WHERE id = $1")
        .bind(missing)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    // More ticks pass; still one move.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let moves: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_log WHERE entity_type = 'procurement' AND entity_id = $1 AND to_state = 'cancelled'",
    )
    .bind(missing)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(moves, 1, "the deadline moved the procurement exactly once");
}
