//! The chat across real `groupbuy api` processes sharing one database and one Redis: every
//! message reaches every socket once, in order, and a client reconnecting with `since` to a
//! restarted process gets exactly what it missed.

use crate::sockets::*;
use crate::support::{Process, REDIS_URL, TestApp};
use std::time::Duration;

#[tokio::test]
async fn chat_processes_two_api_processes_deliver_once_in_order_and_a_restart_loses_nothing() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let mut first = Process::serve(&app, "api", REDIS_URL, None).await;
    let second = Process::serve(&app, "chat", REDIS_URL, None).await;

    let mut listeners = Vec::new();
    for base in [&first.base, &second.base] {
        listeners.push(join_room(&app, base, procurement, buyer, None).await.0);
    }
    let (mut org_a, _) = join_room(&app, &first.base, procurement, organizer, None).await;
    let (mut buy_b, _) = join_room(&app, &second.base, procurement, buyer, None).await;
    const EACH: i64 = 15;
    interleave(&mut org_a, &mut buy_b, EACH).await;
    for ws in listeners.iter_mut().chain([&mut org_a, &mut buy_b]) {
        assert_each_once_in_order(ws, 2 * EACH).await;
    }
    assert_eq!(stored(&app, procurement).await, 2 * EACH);

    // The first process dies; messages go on through the second; the client comes back to a
    // restarted first process with the last seq it saw.
    let (mut away, history) = join_room(&app, &first.base, procurement, buyer, None).await;
    let seen = history["last_seq"].as_i64().unwrap();
    let port = first.port();
    first.kill();
    // Killed, it says no goodbye: the connection is simply gone.
    let end = tokio::time::timeout(Duration::from_secs(5), futures_util::StreamExt::next(&mut away)).await;
    assert!(matches!(end, Ok(None | Some(Err(_)))), "{end:?}");
    for text in ["x", "y"] {
        say(&mut buy_b, text).await;
    }
    let restarted = Process::serve(&app, "api", REDIS_URL, Some(port)).await;
    let (_, history) = join_room(&app, &restarted.base, procurement, buyer, Some(seen)).await;
    let missed: Vec<_> = history["messages"].as_array().unwrap().iter().map(|m| m["text"].clone()).collect();
    assert_eq!(missed, [serde_json::json!("x"), serde_json::json!("y")]);
}
