//! The VK adapter over real HTTP against the fake VK API: Bots Long Poll round trips with
//! keyboards and button payloads, and VK's `failed` 1/2/3 each recovered from without losing
//! or repeating an update. The conversation here is a small echo handler; the adapter is what
//! is under test.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bots::Keyboard;
use bots::fake::vk::FakeVkServer;
use bots::keyboard::Button;
use bots::runtime::{Answer, CallbackAck, ChatKind, Event, Incoming, Outgoing};
use bots::vk::{EventClaims, Handler, VkClient, VkConfig};
use bots::{Callback, Reply};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::support::{REDIS_URL, eventually};

const WAIT: Duration = Duration::from_secs(15);

/// Echoes texts under a callback and a link button; `/menu` answers a reply keyboard; a
/// pressed callback button is acknowledged with a notice and its message edited. Records
/// every update it was given.
#[derive(Default)]
pub(crate) struct Echo {
    pub seen: Mutex<Vec<Incoming>>,
}

impl Echo {
    pub fn texts(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter_map(|i| match &i.event {
                Event::Text(t) => Some(t.clone()),
                Event::Callback { .. } => None,
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl Handler for Echo {
    async fn handle(&self, incoming: Incoming) -> Answer {
        self.seen.lock().unwrap().push(incoming.clone());
        let chat_id = incoming.chat_id;
        let message = |reply: Reply, edit_message_id| Outgoing { chat_id, reply, edit_message_id };
        match incoming.event {
            Event::Text(text) if text == "/menu" => {
                let menu = Keyboard::reply(vec![vec![Button::text("Help"), Button::text("Profile")]]);
                Answer { ack: None, messages: vec![message(Reply::with_keyboard("menu", menu), None)] }
            }
            Event::Text(text) => {
                let keyboard = Keyboard::inline(vec![
                    vec![Button::callback("Again", Callback::ViewProcurement(text.len() as i64))],
                    vec![Button::url("Site", "https://example.com/")],
                ]);
                Answer {
                    ack: None,
                    messages: vec![message(Reply::with_keyboard(format!("echo: {text}"), keyboard), None)],
                }
            }
            Event::Callback { query_id, data, message_id } => Answer {
                ack: Some(CallbackAck {
                    query_id,
                    chat_id,
                    platform_user_id: incoming.from.platform_user_id,
                    notice: Some(format!("got {data}")),
                }),
                messages: vec![message(Reply::text(format!("pressed {data}")), message_id)],
            },
        }
    }
}

pub(crate) fn client_for(fake: &FakeVkServer) -> Arc<VkClient> {
    Arc::new(VkClient::new(VkConfig {
        api_url: fake.api_url(),
        token: "test-token".into(),
        group_id: bots::fake::vk::FAKE_GROUP_ID,
    }))
}

/// The fake's control API.
pub(crate) struct Control {
    pub url: String,
    http: reqwest::Client,
}

impl Control {
    pub fn of(fake: &FakeVkServer) -> Self {
        Control { url: fake.url(), http: reqwest::Client::new() }
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let response = self.http.post(format!("{}{path}", self.url)).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Value {
        self.http.get(format!("{}{path}", self.url)).send().await.unwrap().json().await.unwrap()
    }

    pub async fn write(&self, from_id: i64, text: &str) -> Value {
        self.post("/fake/message", json!({ "from_id": from_id, "text": text })).await
    }

    pub async fn sent_texts(&self, peer_id: i64) -> Vec<String> {
        let sent = self.get(&format!("/fake/sent?peer_id={peer_id}")).await;
        sent.as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap().to_string()).collect()
    }

    /// Waits until the bot's messages in `peer_id` include `text`.
    pub async fn await_sent(&self, peer_id: i64, text: &str) {
        eventually(&format!("the bot to send {text:?}"), WAIT, || async {
            self.sent_texts(peer_id).await.iter().any(|t| t == text)
        })
        .await;
    }
}

/// A long-polling bot task.
pub(crate) struct Bot {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), bots::vk::VkError>>,
}

impl Bot {
    /// Starts polling and waits until the bot listens: as on VK, what was written before the
    /// bot asked for its long-poll server is not delivered to it.
    pub async fn start(fake: &FakeVkServer, handler: Arc<Echo>) -> Self {
        Self::start_claiming(fake, handler, None).await
    }

    /// One of several processes sharing `claims`.
    async fn start_claiming(fake: &FakeVkServer, handler: Arc<Echo>, claims: Option<EventClaims>) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let control = Control::of(fake);
        let before = control.get("/fake/long_poll").await["servers_given"].as_u64().unwrap();
        let task = tokio::spawn(bots::vk::run_long_poll_claiming(client_for(fake), handler, claims, async move {
            let _ = stopped.await;
        }));
        eventually("the bot to poll", WAIT, || async {
            let state = control.get("/fake/long_poll").await;
            state["servers_given"].as_u64().unwrap() > before && state["checks"] != 0
        })
        .await;
        Bot { stop, task }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn long_poll_round_trip_with_keyboards_and_button_payloads() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let echo = Arc::new(Echo::default());
    let bot = Bot::start(&fake, echo.clone()).await;

    let hello = json!({ "from_id": 42, "text": "hello", "first_name": "Иван", "last_name": "Петров", "lang_id": 3 });
    control.post("/fake/message", hello).await;
    control.await_sent(42, "echo: hello").await;
    let person = echo.seen.lock().unwrap()[0].from.clone();
    assert_eq!((person.first_name.as_str(), person.last_name.as_str()), ("Иван", "Петров"));
    assert_eq!(person.language_code.as_deref(), Some("en"));
    let sent = control.get("/fake/sent?peer_id=42").await;
    let keyboard = &sent[0]["keyboard"];
    assert_eq!(keyboard["inline"], true);
    assert_eq!(keyboard["buttons"][0][0]["action"]["type"], "callback");
    assert_eq!(keyboard["buttons"][0][0]["action"]["payload"], r#"{"data":"view_proc_5"}"#);
    assert_eq!(
        keyboard["buttons"][1][0]["action"],
        json!({ "type": "open_link", "link": "https://example.com/", "label": "Site" })
    );

    // The callback button: acknowledged with a snackbar, its message edited in place.
    control.post("/fake/press", json!({ "user_id": 42, "label": "Again" })).await;
    eventually("the press to be acknowledged", WAIT, || async {
        control.get("/fake/event_answers").await.as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let answers = control.get("/fake/event_answers").await;
    assert_eq!(answers[0]["event_data"], json!({ "type": "show_snackbar", "text": "got view_proc_5" }));
    assert_eq!(answers[0]["user_id"], 42);
    control.await_sent(42, "pressed view_proc_5").await;
    let sent = control.get("/fake/sent?peer_id=42").await;
    assert_eq!(sent.as_array().unwrap().len(), 1, "edited, not sent anew: {sent}");
    assert_eq!(sent[0]["edits"], json!(["echo: hello"]));

    // A reply keyboard's text button sends its label as a message.
    control.write(42, "/menu").await;
    control.await_sent(42, "menu").await;
    let sent = control.get("/fake/sent?peer_id=42").await;
    let menu = sent.as_array().unwrap().iter().find(|m| m["text"] == "menu").unwrap();
    assert_eq!(menu["keyboard"]["one_time"], false);
    assert_eq!(menu["keyboard"]["buttons"][0][1]["action"], json!({ "type": "text", "label": "Profile" }));
    control.post("/fake/press", json!({ "user_id": 42, "label": "Profile" })).await;
    control.await_sent(42, "echo: Profile").await;

    // A group conversation, and one chat's messages answered in the order they came.
    let conversation = 2_000_000_001_i64;
    for n in 0..5 {
        control.post("/fake/message", json!({ "from_id": 7, "peer_id": conversation, "text": format!("m{n}") })).await;
    }
    control.await_sent(conversation, "echo: m4").await;
    let expected: Vec<String> = (0..5).map(|n| format!("echo: m{n}")).collect();
    assert_eq!(control.sent_texts(conversation).await, expected);
    let seen = echo.seen.lock().unwrap().clone();
    let group = seen.iter().find(|i| i.chat_id == conversation).unwrap();
    assert_eq!(group.chat_kind, ChatKind::Group);
    assert_eq!(group.from.platform_user_id, "7");
    assert_eq!(seen[0].chat_kind, ChatKind::Private);

    bot.stop().await;
    fake.shutdown().await;
}

/// Waits until the fake has answered the injected failure and, for 2 and 3, handed out a new
/// long-poll server.
async fn failure_served(control: &Control, servers_before: u64, code: i64) {
    eventually(&format!("failed {code} to be answered"), WAIT, || async {
        let state = control.get("/fake/long_poll").await;
        state["pending_failure"].is_null() && (code == 1 || state["servers_given"].as_u64().unwrap() > servers_before)
    })
    .await;
}

#[tokio::test]
async fn failed_1_2_and_3_are_recovered_without_losing_or_repeating_updates() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let echo = Arc::new(Echo::default());
    let bot = Bot::start(&fake, echo.clone()).await;
    control.write(42, "first").await;
    control.await_sent(42, "echo: first").await;

    // 1: the history moved on; go on from VK's ts.
    control.post("/fake/long_poll/fail", json!({ "failed": 1 })).await;
    failure_served(&control, 0, 1).await;
    control.write(42, "after 1").await;
    control.await_sent(42, "echo: after 1").await;

    // 2: the key expired. The first getLongPollServer fails (VK trouble), so the message written
    // meanwhile lies between the old and the new server's ts: kept ts finds it, a new ts would not.
    control.post("/fake/faults", json!({ "method": "groups.getLongPollServer", "error_code": 10 })).await;
    let servers = control.get("/fake/long_poll").await["servers_given"].as_u64().unwrap();
    control.post("/fake/long_poll/fail", json!({ "failed": 2 })).await;
    eventually("failed 2 to be answered", WAIT, || async {
        control.get("/fake/long_poll").await["pending_failure"].is_null()
    })
    .await;
    control.write(42, "while the key was renewed").await;
    failure_served(&control, servers, 2).await;
    control.await_sent(42, "echo: while the key was renewed").await;

    // 3: the information is lost; a new server and its ts.
    let servers = control.get("/fake/long_poll").await["servers_given"].as_u64().unwrap();
    control.post("/fake/long_poll/fail", json!({ "failed": 3 })).await;
    failure_served(&control, servers, 3).await;
    control.write(42, "after 3").await;
    control.await_sent(42, "echo: after 3").await;

    // Nothing was handled or sent twice.
    control.write(42, "last").await;
    control.await_sent(42, "echo: last").await;
    let expected = ["first", "after 1", "while the key was renewed", "after 3", "last"];
    assert_eq!(echo.texts(), expected);
    let sent: Vec<String> = expected.iter().map(|t| format!("echo: {t}")).collect();
    assert_eq!(control.sent_texts(42).await, sent);
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test]
async fn two_processes_sharing_redis_answer_each_update_once() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let redis = redis::aio::ConnectionManager::new(redis::Client::open(REDIS_URL).unwrap()).await.unwrap();
    let claims = EventClaims::new(redis, format!("test-vk-{}", uuid::Uuid::new_v4()));
    let (one, two) = (Arc::new(Echo::default()), Arc::new(Echo::default()));
    let first = Bot::start_claiming(&fake, one.clone(), Some(claims.clone())).await;
    let second = Bot::start_claiming(&fake, two.clone(), Some(claims)).await;
    let texts: Vec<String> = (0..6).map(|n| format!("t{n}")).collect();
    for (n, text) in texts.iter().enumerate() {
        control.write(100 + n as i64, text).await;
    }
    for (n, text) in texts.iter().enumerate() {
        control.await_sent(100 + n as i64, &format!("echo: {text}")).await;
    }
    // Both processes received every update; each was handled by one of them.
    let mut handled = [one.texts(), two.texts()].concat();
    handled.sort();
    assert_eq!(handled, texts);
    assert_eq!(fake.fake().sent().len(), texts.len());
    first.stop().await;
    second.stop().await;
    fake.shutdown().await;
}
