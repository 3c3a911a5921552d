//! VK's Callback API against the fake VK API, which POSTs events to the endpoint as VK does:
//! the confirmation string, a wrong secret refused with nothing handled, and a repeated event
//! (VK's retry) handled once.

use std::sync::Arc;

use bots::vk::EventClaims;
use bots::vk::callback_api::{CallbackConfig, endpoint};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{EndpointExt, Route};
use serde_json::json;

use crate::bot_vk::{Control, Echo, client_for};
use crate::support::REDIS_URL;

const CONFIRMATION: &str = "a1b2c3d4";
const SECRET: &str = "callback-secret";

/// Serves the endpoint at `/bot/vk/callback` on a free port, as the API process would.
async fn callback_server(fake: &bots::fake::vk::FakeVkServer, echo: Arc<Echo>, namespace: &str) -> String {
    let redis = redis::aio::ConnectionManager::new(redis::Client::open(REDIS_URL).unwrap()).await.unwrap();
    let config = CallbackConfig {
        group_id: bots::fake::vk::FAKE_GROUP_ID,
        confirmation: CONFIRMATION.into(),
        secret: SECRET.into(),
    };
    let claims = EventClaims::new(redis, namespace);
    let app = Route::new().at("/bot/vk/callback", endpoint(config, client_for(fake), echo, claims)).map_to_response();
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let addr = *acceptor.local_addr()[0].as_socket_addr().unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    format!("http://{addr}/bot/vk/callback")
}

#[tokio::test]
async fn callback_api_confirms_checks_the_secret_and_handles_a_repeated_event_once() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let echo = Arc::new(Echo::default());
    let namespace = format!("test-vk-{}", uuid::Uuid::new_v4());
    let url = callback_server(&fake, echo.clone(), &namespace).await;
    let http = reqwest::Client::new();

    control.post("/fake/callback", json!({ "url": url, "secret": SECRET })).await;
    let confirmed = control.post("/fake/callback/confirmation", json!({})).await;
    assert_eq!(confirmed, json!({ "status": 200, "body": CONFIRMATION }));

    // Another community's confirmation is not ours to answer.
    let other = http.post(&url).json(&json!({ "type": "confirmation", "group_id": 999 })).send().await.unwrap();
    assert_eq!(other.status(), 403);

    // A wrong secret: refused, nothing handled, nothing sent.
    let put = http.put(format!("{}/fake/callback", control.url)).json(&json!({ "url": url, "secret": "guess" }));
    assert!(put.send().await.unwrap().status().is_success());
    let refused = control.write(42, "forged").await;
    assert_eq!(refused["callback"]["status"], 403);
    assert!(echo.texts().is_empty());
    let confirmed = control.post("/fake/callback/confirmation", json!({})).await;
    assert_eq!(confirmed["status"], 403, "a confirmation with a wrong secret is refused too");

    // The right secret: handled, answered, "ok".
    control.post("/fake/callback", json!({ "url": url, "secret": SECRET })).await;
    let delivered = control.write(42, "hello").await;
    assert_eq!(delivered["callback"], json!({ "status": 200, "body": "ok" }));
    assert_eq!(control.sent_texts(42).await, ["echo: hello"], "answered before the ok");

    // VK's retry of the same event: "ok", and handled no second time.
    let again = control.post("/fake/callback/resend", json!({ "event_id": delivered["event_id"] })).await;
    assert_eq!(again, json!({ "status": 200, "body": "ok" }));
    assert_eq!(echo.texts(), ["hello"]);
    assert_eq!(control.sent_texts(42).await, ["echo: hello"]);

    // A button press through the Callback API is acknowledged and edits its message.
    control.post("/fake/press", json!({ "user_id": 42, "label": "Again" })).await;
    assert_eq!(control.sent_texts(42).await, ["pressed view_proc_5"]);
    assert_eq!(control.get("/fake/event_answers").await.as_array().unwrap().len(), 1);

    // An event without its event_id is a bad request.
    let bare =
        json!({ "type": "message_new", "group_id": bots::fake::vk::FAKE_GROUP_ID, "secret": SECRET, "object": {} });
    assert_eq!(http.post(&url).json(&bare).send().await.unwrap().status(), 400);
    fake.shutdown().await;
}
