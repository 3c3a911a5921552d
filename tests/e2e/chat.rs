//! The chat socket against the real API: who gets in, history, live frames in order (the
//! sender included), typing, bad frames, the rate limit, reconnects with `since`, and two
//! nodes sharing Redis.

use crate::sockets::*;
use crate::support::{TestApp, jwt_secret, send};
use jsonwebtoken::{EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

#[tokio::test]
async fn chat_refuses_before_the_upgrade_whoever_does_not_belong() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let stranger = app.register("buyer").await;
    let path = |token: &str| format!("/ws/procurement/{procurement}/?token={token}");

    let refused = |result: Result<Ws, _>| result.expect_err("must be refused");
    let (status, body) = refused(open(&app.base, &format!("/ws/procurement/{procurement}/")).await);
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{body}");
    let forged = encode(
        &Header::default(),
        &json!({ "user_id": buyer, "exp": 4_000_000_000u64 }),
        &EncodingKey::from_secret(b"not-the-secret"),
    )
    .unwrap();
    assert_eq!(refused(open(&app.base, &path(&forged)).await).0, StatusCode::UNAUTHORIZED);
    let expired =
        encode(&Header::default(), &json!({ "user_id": buyer, "exp": 1_000 }), &EncodingKey::from_secret(jwt_secret()))
            .unwrap();
    assert_eq!(refused(open(&app.base, &path(&expired)).await).0, StatusCode::UNAUTHORIZED);
    // A missing token is 401 even with a bad `since`.
    assert_eq!(
        refused(open(&app.base, &format!("/ws/procurement/{procurement}?since=x")).await).0,
        StatusCode::UNAUTHORIZED
    );

    let (status, body) = refused(open(&app.base, &path(&app.user_token(stranger))).await);
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{body}");
    let (status, _) = send(
        app.service(Method::POST, &format!("/api/procurements/{procurement}/leave/"))
            .json(&json!({ "user_id": buyer })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refused(open(&app.base, &path(&app.user_token(buyer))).await).0, StatusCode::FORBIDDEN);
    let unknown = format!("/ws/procurement/999999/?token={}", app.user_token(buyer));
    assert_eq!(refused(open(&app.base, &unknown).await).0, StatusCode::NOT_FOUND);

    // A member's plain GET (no handshake) is told what is expected, as JSON.
    let (status, body) = send(app.anon(Method::GET, &path(&app.user_token(organizer)))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{body}");
    assert!(body["error"].as_str().unwrap().contains("WebSocket"), "{body}");
}

#[tokio::test]
async fn chat_history_then_live_messages_in_order_to_everyone_the_sender_included() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    for text in ["первое", "второе", "третье"] {
        post(&app, procurement, organizer, text).await;
    }
    // Without the trailing slash too.
    let mut org =
        open(&app.base, &format!("/ws/procurement/{procurement}?token={}", app.user_token(organizer))).await.unwrap();
    let history = next_of(&mut org, "history").await;
    let texts: Vec<_> = history["messages"].as_array().unwrap().iter().map(|m| m["text"].clone()).collect();
    assert_eq!(texts, [json!("первое"), json!("второе"), json!("третье")]);
    assert_eq!(history["messages"][2]["seq"], 3);
    let (mut buy, _) = join_room(&app, &app.base, procurement, buyer, None).await;
    let joined = next_of(&mut org, "system").await;
    assert_eq!((joined["event"].as_str(), joined["user_id"].as_i64()), (Some("joined"), Some(buyer)));

    say(&mut buy, "  привет  ").await;
    for ws in [&mut buy, &mut org] {
        let message = next_of(ws, "message").await;
        assert_eq!(message["text"], "привет", "stored trimmed: {message}");
        assert_eq!((message["seq"].as_i64(), message["user_id"].as_i64()), (Some(4), Some(buyer)));
        assert!(message["id"].as_i64().is_some() && message["created_at"].is_string(), "{message}");
        assert_eq!(message["message_type"], "text");
        assert_eq!(message["user_name"], "Тест");
    }
    for i in 0..10 {
        say(&mut org, &format!("m{i}")).await;
    }
    for i in 0..10 {
        let message = next_of(&mut buy, "message").await;
        assert_eq!((message["text"].as_str(), message["seq"].as_i64()), (Some(format!("m{i}").as_str()), Some(5 + i)));
    }
    for i in 0..10 {
        assert_eq!(next_of(&mut org, "message").await["text"], format!("m{i}"), "the sender gets its own");
    }
    // A message posted through REST reaches the sockets too.
    post(&app, procurement, buyer, "через REST").await;
    assert_eq!(next_of(&mut org, "message").await["text"], "через REST");
    drop(buy);
    let left = next_of(&mut org, "system").await;
    assert_eq!((left["event"].as_str(), left["user_id"].as_i64()), (Some("left"), Some(buyer)));
}

#[tokio::test]
async fn chat_typing_goes_to_the_others_only() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let (mut org, _) = join_room(&app, &app.base, procurement, organizer, None).await;
    let (mut buy, _) = join_room(&app, &app.base, procurement, buyer, None).await;
    send_raw(&mut buy, json!({ "type": "typing", "is_typing": true }).to_string()).await;
    let typing = next_of(&mut org, "typing").await;
    assert_eq!((typing["user_id"].as_i64(), typing["is_typing"].as_bool()), (Some(buyer), Some(true)));
    silent_about(&mut buy, "typing", Duration::from_millis(500)).await;
}

#[tokio::test]
async fn chat_bad_frames_are_refused_without_disturbing_anyone() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let (mut org, _) = join_room(&app, &app.base, procurement, organizer, None).await;
    let (mut buy, _) = join_room(&app, &app.base, procurement, buyer, None).await;

    say(&mut buy, "   ").await; // blank: ignored
    send_raw(&mut buy, "{not json".into()).await;
    let error = next_of(&mut buy, "error").await;
    assert_eq!(error["code"], "malformed_json", "{error}");
    assert!(error["error"].as_str().is_some_and(|e| !e.is_empty()));
    send_raw(&mut buy, json!({ "type": "message", "text": 5 }).to_string()).await;
    assert_eq!(next_of(&mut buy, "error").await["code"], "invalid_frame");
    send_raw(&mut buy, json!({ "type": "reaction", "emoji": "👍" }).to_string()).await; // ignored
    say(&mut buy, &"я".repeat(5000)).await;
    assert_eq!(next_of(&mut buy, "error").await["code"], "validation_error");
    say(&mut buy, "после ошибок").await;
    assert_eq!(next_of(&mut buy, "message").await["text"], "после ошибок", "the blank one sent nothing");
    assert_eq!(stored(&app, procurement).await, 1);

    say(&mut buy, &"x".repeat(70 * 1024)).await;
    assert_eq!(close_code(&mut buy).await, Some(CloseCode::Size));
    assert_eq!(stored(&app, procurement).await, 1, "nothing stored from the oversized frame");
    // The others carry on.
    say(&mut org, "всё в порядке").await;
    assert_eq!(next_of(&mut org, "message").await["text"], "после ошибок");
    assert_eq!(next_of(&mut org, "message").await["text"], "всё в порядке");
}

#[tokio::test]
async fn chat_rate_limit_allows_a_burst_of_twenty() {
    let app = TestApp::spawn().await;
    let (procurement, _, buyer) = room(&app).await;
    let (mut buy, _) = join_room(&app, &app.base, procurement, buyer, None).await;
    for i in 0..30 {
        say(&mut buy, &format!("{i}")).await;
    }
    let (mut messages, mut limited) = (0, 0);
    while messages + limited < 30 {
        let frame = next(&mut buy).await;
        match frame["type"].as_str() {
            Some("message") => messages += 1,
            Some("error") => {
                assert_eq!(frame["code"], "rate_limited");
                limited += 1;
            }
            _ => {}
        }
    }
    assert!(messages >= 20 && limited >= 1, "{messages} stored, {limited} refused");
    assert_eq!(stored(&app, procurement).await, messages);
}

#[tokio::test]
async fn chat_reconnect_with_since_gets_exactly_what_was_missed_even_from_another_node() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    post(&app, procurement, organizer, "до").await;
    let (buy, history) = join_room(&app, &app.base, procurement, buyer, None).await;
    let seen = history["last_seq"].as_i64().unwrap();
    assert_eq!(seen, 1);
    drop(buy);
    for text in ["a", "b", "c"] {
        post(&app, procurement, organizer, text).await;
    }
    // The node it was on went away; another one serves the reconnect.
    let other = app.another_node().await;
    let (mut buy, history) = join_room(&app, &other, procurement, buyer, Some(seen)).await;
    let missed: Vec<_> = history["messages"].as_array().unwrap().iter().map(|m| m["text"].clone()).collect();
    assert_eq!(missed, [json!("a"), json!("b"), json!("c")]);
    post(&app, procurement, organizer, "d").await;
    assert_eq!(next_of(&mut buy, "message").await["seq"], 5);

    // A `since` the server cannot serve (past the room's end, as after a restore): reload.
    let path = format!("/ws/procurement/{procurement}/?token={}&since=999", app.user_token(buyer));
    let mut stale = open(&app.base, &path).await.unwrap();
    let reload = next(&mut stale).await;
    assert_eq!((reload["type"].as_str(), reload["code"].as_str()), (Some("reload"), Some("history_gap")));
    assert_eq!(next(&mut stale).await["messages"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn chat_two_nodes_deliver_every_message_once_in_order() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let other = app.another_node().await;
    let mut listeners = Vec::new();
    for base in [&app.base, &other, &app.base, &other] {
        listeners.push(join_room(&app, base, procurement, buyer, None).await.0);
    }
    let (mut org_a, _) = join_room(&app, &app.base, procurement, organizer, None).await;
    let (mut buy_b, _) = join_room(&app, &other, procurement, buyer, None).await;
    // Under the per-person burst of 20, so nothing is refused.
    const EACH: i64 = 15;
    interleave(&mut org_a, &mut buy_b, EACH).await;
    for ws in &mut listeners {
        assert_each_once_in_order(ws, 2 * EACH).await;
    }
    assert_eq!(stored(&app, procurement).await, 2 * EACH);
}

#[tokio::test]
async fn chat_a_silent_client_is_reaped_and_one_that_answers_pings_stays() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let config = api::chat::ChatConfig {
        ping_interval: Duration::from_millis(200),
        idle_timeout: Duration::from_millis(800),
        ..Default::default()
    };
    let node = app.another_node_with(config).await;
    let (mut silent, _) = join_room(&app, &node, procurement, buyer, None).await;
    let (mut alive, _) = join_room(&app, &node, procurement, organizer, None).await;
    // Reading is what answers pings (the client library pongs as it reads); the room hears
    // that the silent one was let go.
    // (Its `joined` may come first: the organizer subscribed while it was on its way.)
    let mut notice = next_of(&mut alive, "system").await;
    if notice["event"] == "joined" {
        notice = next_of(&mut alive, "system").await;
    }
    assert_eq!((notice["event"].as_str(), notice["user_id"].as_i64()), (Some("left"), Some(buyer)));
    silent_about(&mut alive, "message", Duration::from_millis(1500)).await;
    // The silent client finds a close (1001) or, pongs it owed failing to send, a dead socket.
    loop {
        match tokio::time::timeout(Duration::from_secs(5), futures_util::StreamExt::next(&mut silent)).await {
            Ok(Some(Ok(Message::Close(frame)))) => break assert_eq!(frame.map(|f| f.code), Some(CloseCode::Away)),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => break,
            Err(_) => panic!("the silent client was not disconnected"),
        }
    }
    say(&mut alive, "ещё здесь").await;
    assert_eq!(next_of(&mut alive, "message").await["text"], "ещё здесь");
}

#[tokio::test]
async fn chat_a_client_too_slow_for_its_queue_is_disconnected_with_a_reason() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let node = app.another_node_with(api::chat::ChatConfig { send_queue: 8, ..Default::default() }).await;
    let mut slow = open_with_small_window(&app, &node, procurement, buyer).await;
    // Large messages (16 KB), never read: the socket's buffers fill, then its queue.
    let text = "😀".repeat(4000);
    for _ in 0..40 {
        let batch = (0..8).map(|_| post(&app, procurement, organizer, &text));
        futures_util::future::join_all(batch).await;
    }
    let close = loop {
        match next_frame(&mut slow, Duration::from_secs(15)).await {
            Some(Message::Close(frame)) => break frame,
            Some(_) => continue,
            None => panic!("the slow client was not disconnected"),
        }
    };
    let close = close.expect("a close frame with a reason");
    assert_eq!(close.code, CloseCode::Again);
    assert!(close.reason.contains("too slow"), "{}", close.reason);
}

/// A room socket whose TCP receive window is small, so that what it does not read backs up on
/// the server quickly.
async fn open_with_small_window(app: &TestApp, base: &str, procurement: i64, user: i64) -> Ws {
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let url = format!("ws://{addr}/ws/procurement/{procurement}/?token={}", app.user_token(user));
    let (ws, _) = tokio_tungstenite::client_async(url, tokio_tungstenite::MaybeTlsStream::Plain(stream)).await.unwrap();
    ws
}

#[tokio::test]
async fn chat_someone_who_leaves_the_procurement_leaves_its_chat() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let config = api::chat::ChatConfig { idle_timeout: Duration::from_millis(400), ..Default::default() };
    let node = app.another_node_with(config).await;
    let (mut leaving, _) = join_room(&app, &node, procurement, buyer, None).await;
    let (status, _) = send(
        app.service(Method::POST, &format!("/api/procurements/{procurement}/leave/"))
            .json(&json!({ "user_id": buyer })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    say(&mut leaving, "можно?").await;
    assert_eq!(next_of(&mut leaving, "error").await["code"], "forbidden");
    assert_eq!(close_code(&mut leaving).await, Some(CloseCode::Policy));
    post(&app, procurement, organizer, "после ухода").await;
    assert_eq!(stored(&app, procurement).await, 1);
}

#[tokio::test]
async fn chat_sockets_catch_up_on_what_was_posted_while_the_fan_out_redis_was_down() {
    let app = TestApp::spawn().await;
    let (procurement, _, buyer) = room(&app).await;
    let mut redis = crate::support::OwnRedis::start().await;
    let node = app.another_node_on(&redis.url(), Default::default()).await;
    let (mut ws, _) = join_room(&app, &node, procurement, buyer, None).await;
    redis.kill();
    // Stored, but nobody hears of it: the publication fails.
    let (status, body) = send(
        reqwest::Client::new()
            .post(format!("{node}/api/chat/messages/"))
            .bearer_auth(app.user_token(buyer))
            .json(&json!({ "procurement_id": procurement, "text": "пока Redis лежал" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    redis.restart().await;
    let message = next_of(&mut ws, "message").await;
    assert_eq!((message["text"].as_str(), message["seq"].as_i64()), (Some("пока Redis лежал"), Some(1)));
}

#[tokio::test]
async fn chat_a_status_change_reaches_the_room_as_a_system_frame() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, _) = room(&app).await;
    let (mut ws, _) = join_room(&app, &app.base, procurement, organizer, None).await;
    app.set_status(procurement, "stopped").await;
    app.drain().await;
    // (The earlier change to `active`, drained now too, may come first.)
    let frame = loop {
        let frame = next_of(&mut ws, "system").await;
        if frame["event"] == "status_changed" && frame["text"].as_str().unwrap().contains("stopped") {
            break frame;
        }
    };
    assert_eq!((frame["procurement_id"].as_i64(), frame["user_id"].is_null()), (Some(procurement), true));
}
