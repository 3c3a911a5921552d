//! A real WebSocket client for the chat tests (tokio-tungstenite), and a room to talk in.

use crate::support::{TestApp, send};
use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a frame that should come may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// Opens `path` (e.g. `/ws/procurement/1/?token=…`) on the server at `base`; the refusal's
/// status and JSON body when there is no upgrade.
pub async fn open(base: &str, path: &str) -> Result<Ws, (StatusCode, Value)> {
    let url = format!("{}{path}", base.replacen("http://", "ws://", 1));
    match tokio_tungstenite::connect_async(url).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
            let body = response.body().as_deref().map(|b| serde_json::from_slice(b).unwrap_or(Value::Null));
            Err((status, body.unwrap_or(Value::Null)))
        }
        Err(e) => panic!("connecting to {path}: {e}"),
    }
}

/// A room socket as `user` (opened, with its history frame read and returned).
pub async fn join_room(app: &TestApp, base: &str, procurement: i64, user: i64, since: Option<i64>) -> (Ws, Value) {
    let since = since.map(|s| format!("&since={s}")).unwrap_or_default();
    let path = format!("/ws/procurement/{procurement}/?token={}{since}", app.user_token(user));
    let mut ws = open(base, &path).await.unwrap_or_else(|e| panic!("refused: {e:?}"));
    let history = next_of(&mut ws, "history").await;
    (ws, history)
}

/// The next JSON frame (pings and pongs skipped).
pub async fn next(ws: &mut Ws) -> Value {
    match next_frame(ws, PATIENCE).await {
        Some(Message::Text(text)) => serde_json::from_str(&text).unwrap(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// The next frame of type `kind`, skipping others (joined/left notices, typing).
pub async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let frame = next(ws).await;
        if frame["type"] == kind {
            return frame;
        }
    }
}

/// The next frame that is not a ping or pong, or `None` if none comes within `wait`.
pub async fn next_frame(ws: &mut Ws, wait: Duration) -> Option<Message> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return None,
            Ok(None) => return None,
            Ok(Some(Err(e))) => panic!("socket error: {e}"),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(Some(Ok(message))) => return Some(message),
        }
    }
}

/// Asserts that no frame of type `kind` arrives within `wait`.
pub async fn silent_about(ws: &mut Ws, kind: &str, wait: Duration) {
    while let Some(frame) = next_frame(ws, wait).await {
        if let Message::Text(text) = &frame {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_ne!(value["type"], kind, "unexpected {value}");
        }
    }
}

/// The close code the server ends the connection with (frames before it skipped).
pub async fn close_code(ws: &mut Ws) -> Option<CloseCode> {
    loop {
        match next_frame(ws, PATIENCE).await {
            Some(Message::Close(frame)) => return frame.map(|f| f.code),
            Some(_) => continue,
            None => return None,
        }
    }
}

pub async fn say(ws: &mut Ws, text: &str) {
    send_raw(ws, json!({ "type": "message", "text": text }).to_string()).await;
}

pub async fn send_raw(ws: &mut Ws, text: String) {
    ws.send(Message::text(text)).await.unwrap();
}

/// A procurement with its organizer and one buyer who joined; (procurement, organizer, buyer).
pub async fn room(app: &TestApp) -> (i64, i64, i64) {
    let (procurement, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let (status, body) = app.join(procurement, buyer, "1").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (procurement, organizer, buyer)
}

/// Posts through REST as `user`; the stored message.
pub async fn post(app: &TestApp, procurement: i64, user: i64, text: &str) -> Value {
    let (status, body) = send(
        app.as_user(user, Method::POST, "/api/chat/messages/")
            .json(&json!({ "procurement_id": procurement, "text": text })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// How many messages the room has stored (deleted ones included).
pub async fn stored(app: &TestApp, procurement: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM chat_messages WHERE procurement_id = $1")
        .bind(procurement)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// `count` messages from each writer, taking turns.
pub async fn interleave(a: &mut Ws, b: &mut Ws, count: i64) {
    for i in 0..count {
        say(a, &format!("a{i}")).await;
        say(b, &format!("b{i}")).await;
    }
}

/// The room's first `count` messages arrive on `ws` in sequence order, each once, and no more.
pub async fn assert_each_once_in_order(ws: &mut Ws, count: i64) {
    let mut seqs = Vec::new();
    for _ in 0..count {
        seqs.push(next_of(ws, "message").await["seq"].as_i64().unwrap());
    }
    assert_eq!(seqs, (1..=count).collect::<Vec<_>>());
    silent_about(ws, "message", Duration::from_millis(300)).await;
}
