//! The Telegram adapter over real HTTP against the fake Telegram: long polling, keyboards,
//! callbacks, edits, the webhook and its secret, 429 `retry_after`, the limiter shared through
//! Redis, and the messenger port.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bots::fake::telegram::{BotMessage, FakeTelegram, FakeTelegramServer, FakeUser, UserAction};
use bots::keyboard::{Button, Keyboard};
use bots::outbound::{Limiter, Limits, Messengers};
use bots::runtime::{Answer, CallbackAck, ChatKind, Event, Incoming, Outgoing, Platform};
use bots::telegram::{ChatQueues, Handler, TelegramTransport};
use bots::{Callback, Reply};
use serde_json::{Value, json};
use workflows::messenger::{Messenger, Outbound, SendError};

use crate::support::eventually;

const TOKEN: &str = "4242:test-token";
const WAIT: Duration = Duration::from_secs(15);

/// Echoes text; "inline" and "menu" answer with keyboards; a press is acknowledged with a
/// notice and edits the message it hangs under ("stale": a message that is gone).
#[derive(Default)]
struct Echo {
    seen: Mutex<Vec<Incoming>>,
}

#[async_trait::async_trait]
impl Handler for Echo {
    async fn handle(&self, incoming: Incoming) -> Answer {
        self.seen.lock().unwrap().push(incoming.clone());
        let chat_id = incoming.chat_id;
        let message = |reply: Reply, edit_message_id| Outgoing { chat_id, reply, edit_message_id };
        match incoming.event {
            Event::Text(text) if text == "inline" => {
                let keyboard = Keyboard::inline(vec![
                    vec![Button::callback("Join", Callback::JoinProcurement(7))],
                    vec![Button::url("Pay", "https://bank.example/pay/1")],
                ]);
                Answer { ack: None, messages: vec![message(Reply::with_keyboard("Procurement 7", keyboard), None)] }
            }
            Event::Text(text) if text.starts_with("cabinet ") => {
                // The cabinet's buttons as the bot builds them, for the web base after "cabinet ".
                let base = text.trim_start_matches("cabinet ");
                let login = format!("{base}/login?code=abc");
                let rows =
                    bots::runtime::cabinet_buttons(Platform::Telegram, base, "/chats", login, "Web", bots::Lang::En);
                Answer {
                    ack: None,
                    messages: vec![message(Reply::with_keyboard("Cabinet", Keyboard::inline(rows)), None)],
                }
            }
            Event::Text(text) if text == "menu" => {
                let keyboard = Keyboard::reply(vec![vec![Button::text("📦 Закупки"), Button::text("❓ Помощь")]]);
                Answer { ack: None, messages: vec![message(Reply::with_keyboard("Menu", keyboard), None)] }
            }
            Event::Text(text) => {
                Answer { ack: None, messages: vec![message(Reply::text(format!("echo: {text}")), None)] }
            }
            Event::Callback { query_id, data, message_id } => {
                let edit = if data == "stale" { Some(999_999) } else { message_id };
                Answer {
                    ack: Some(CallbackAck {
                        query_id,
                        chat_id,
                        platform_user_id: incoming.from.platform_user_id,
                        notice: Some(format!("got {data}")),
                    }),
                    messages: vec![message(Reply::text(format!("pressed {data}")), edit)],
                }
            }
        }
    }
}

struct Rig {
    server: FakeTelegramServer,
    echo: Arc<Echo>,
    transport: TelegramTransport,
    queues: ChatQueues,
}

impl Rig {
    async fn start() -> Rig {
        let server = FakeTelegram::new(TOKEN).serve("127.0.0.1:0").await.unwrap();
        let bot = bots::telegram::bot(TOKEN, &server.url()).unwrap();
        let transport = TelegramTransport::new(bot, limiter(&namespace()).await);
        let echo = Arc::new(Echo::default());
        let queues = ChatQueues::new(echo.clone(), Arc::new(transport.clone()));
        Rig { server, echo, transport, queues }
    }

    /// The adapter polling the fake in the background.
    async fn polling() -> Rig {
        let rig = Rig::start().await;
        tokio::spawn(bots::telegram::run_polling(rig.transport.bot().clone(), rig.queues.clone()));
        rig
    }

    fn fake(&self) -> &FakeTelegram {
        self.server.fake()
    }

    fn say(&self, user: i64, text: &str) {
        self.fake().inject(&action(user, Some(text), None, None)).unwrap();
    }

    async fn bot_messages(&self, chat: i64, count: usize) -> Vec<BotMessage> {
        eventually(&format!("{count} bot messages in chat {chat}"), WAIT, || async {
            self.fake().bot_messages(chat).len() >= count
        })
        .await;
        self.fake().bot_messages(chat)
    }
}

fn namespace() -> String {
    format!("test-telegram-{}", uuid::Uuid::new_v4().simple())
}

async fn limiter(namespace: &str) -> Limiter {
    Limiter::new(workers::storage::connect("redis://127.0.0.1:6379").await.unwrap(), namespace)
}

fn action(user: i64, text: Option<&str>, callback_data: Option<&str>, message_id: Option<i64>) -> UserAction {
    UserAction {
        from: FakeUser {
            id: user,
            first_name: "Анна".into(),
            last_name: None,
            username: Some("anna".into()),
            language_code: Some("en".into()),
        },
        chat_id: None,
        chat_type: None,
        chat_title: None,
        text: text.map(str::to_string),
        callback_data: callback_data.map(str::to_string),
        message_id,
    }
}

#[tokio::test]
async fn long_polling_answers_each_chat_in_order() {
    let rig = Rig::polling().await;
    for text in ["one", "two", "three"] {
        rig.say(501, text);
    }
    rig.say(502, "other chat");
    let texts: Vec<_> = rig.bot_messages(501, 3).await.into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["echo: one", "echo: two", "echo: three"]);
    assert_eq!(rig.bot_messages(502, 1).await[0].text, "echo: other chat");

    let seen = rig.echo.seen.lock().unwrap().clone();
    let first = seen.iter().find(|i| i.chat_id == 501).unwrap();
    assert_eq!(first.platform, Platform::Telegram);
    assert_eq!(first.chat_kind, ChatKind::Private);
    assert_eq!(first.from.platform_user_id, "501");
    assert_eq!(first.from.first_name, "Анна");
    assert_eq!(first.from.language_code.as_deref(), Some("en"));
    // Confirmed updates are not handed out again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rig.echo.seen.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn group_messages_arrive_as_group_chats() {
    let rig = Rig::polling().await;
    let mut in_group = action(503, Some("hello group"), None, None);
    in_group.chat_id = Some(-100_777);
    in_group.chat_type = Some("supergroup".into());
    rig.fake().inject(&in_group).unwrap();
    assert_eq!(rig.bot_messages(-100_777, 1).await[0].text, "echo: hello group");
    let seen = rig.echo.seen.lock().unwrap().clone();
    assert_eq!(seen[0].chat_kind, ChatKind::Group);
    assert_eq!(seen[0].from.platform_user_id, "503");
}

#[tokio::test]
async fn keyboards_are_mapped_to_telegram_markup() {
    let rig = Rig::polling().await;
    rig.say(511, "inline");
    let inline = rig.bot_messages(511, 1).await.remove(0);
    let markup = inline.reply_markup.unwrap();
    assert_eq!(markup["inline_keyboard"][0][0], json!({"text": "Join", "callback_data": "join_proc_7"}));
    assert_eq!(markup["inline_keyboard"][1][0], json!({"text": "Pay", "url": "https://bank.example/pay/1"}));

    rig.say(511, "menu");
    let menu = rig.bot_messages(511, 2).await.remove(1);
    let markup = menu.reply_markup.unwrap();
    assert_eq!(markup["keyboard"][0][0]["text"], "📦 Закупки");
    assert_eq!(markup["keyboard"][0][1]["text"], "❓ Помощь");
    assert_eq!(markup["resize_keyboard"], true);
}

#[tokio::test]
async fn a_button_press_is_acknowledged_and_edits_its_message() {
    let rig = Rig::polling().await;
    rig.say(521, "inline");
    let card = rig.bot_messages(521, 1).await.remove(0);
    let pressed = rig.fake().inject(&action(521, None, Some("join_proc_7"), Some(card.message_id))).unwrap();
    let query = pressed.callback_query_id.unwrap();

    eventually("the edit", WAIT, || async { rig.fake().bot_messages(521)[0].edited }).await;
    let messages = rig.fake().bot_messages(521);
    assert_eq!(messages.len(), 1, "edited in place, not sent anew");
    assert_eq!(messages[0].text, "pressed join_proc_7");
    assert_eq!(messages[0].reply_markup, None);
    let answers = rig.fake().callback_answers();
    let answer = answers.iter().find(|a| a.callback_query_id == query).expect("answerCallbackQuery");
    assert_eq!(answer.text.as_deref(), Some("got join_proc_7"));
    let seen = rig.echo.seen.lock().unwrap().clone();
    assert_eq!(
        seen[1].event,
        Event::Callback { query_id: query, data: "join_proc_7".into(), message_id: Some(card.message_id) }
    );
}

#[tokio::test]
async fn a_refused_edit_becomes_a_new_message() {
    let rig = Rig::polling().await;
    rig.say(531, "inline");
    let card = rig.bot_messages(531, 1).await.remove(0);
    rig.fake().inject(&action(531, None, Some("stale"), Some(card.message_id))).unwrap();
    let messages = rig.bot_messages(531, 2).await;
    assert_eq!(messages[1].text, "pressed stale");
    assert!(!messages[0].edited, "the card itself is untouched");
    assert_eq!(rig.fake().callback_answers().len(), 1);
}

#[tokio::test]
async fn a_429_on_a_reply_is_retried_after_its_delay_and_delivered_once() {
    let rig = Rig::polling().await;
    rig.fake().rate_limit_next("sendMessage", 1);
    let asked = Instant::now();
    rig.say(541, "slow down");
    let messages = rig.bot_messages(541, 1).await;
    assert!(asked.elapsed() >= Duration::from_secs(1), "waited out retry_after");
    assert_eq!(messages[0].text, "echo: slow down");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rig.fake().bot_messages(541).len(), 1, "delivered exactly once");
    assert_eq!(rig.fake().stats().rate_limited, 1);
}

/// The webhook endpoint served on its own listener, as the API process mounts it.
async fn serve_webhook(rig: &Rig, secret: &str) -> String {
    let endpoint = poem::Route::new()
        .at("/bot/telegram/webhook", bots::telegram::webhook::endpoint(Some(secret.into()), rig.queues.clone()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    tokio::spawn(poem::Server::new(poem::listener::TcpListener::bind(addr.to_string())).run(endpoint));
    let url = format!("http://{addr}/bot/telegram/webhook");
    eventually("the webhook listening", WAIT, || async { reqwest::Client::new().get(&url).send().await.is_ok() }).await;
    url
}

#[tokio::test]
async fn webhook_mode_checks_the_secret() {
    let rig = Rig::start().await;
    let url = serve_webhook(&rig, "s3cret-token").await;
    bots::telegram::webhook::register(rig.transport.bot(), &url, Some("s3cret-token")).await.unwrap();
    assert_eq!(rig.fake().webhook(), Some((url.clone(), true)));

    rig.say(551, "via webhook");
    assert_eq!(rig.bot_messages(551, 1).await[0].text, "echo: via webhook");

    // getUpdates is refused while a webhook is set, as by Telegram.
    let polled = reqwest::Client::new()
        .post(format!("{}/bot{TOKEN}/getUpdates", rig.server.url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(polled.status(), 409);

    let update = json!({
        "update_id": 9001,
        "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": {"id": 552, "type": "private", "first_name": "Mallory"},
            "from": {"id": 552, "is_bot": false, "first_name": "Mallory"},
            "text": "forged"
        }
    });
    let client = reqwest::Client::new();
    let wrong =
        client.post(&url).header("X-Telegram-Bot-Api-Secret-Token", "guess").json(&update).send().await.unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(wrong.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("Secret-Token"));
    let missing = client.post(&url).json(&update).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let garbage =
        client.post(&url).header("X-Telegram-Bot-Api-Secret-Token", "s3cret-token").body("{").send().await.unwrap();
    assert_eq!(garbage.status(), 400);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(rig.fake().bot_messages(552).is_empty(), "refused updates are not handled");
    assert_eq!(rig.echo.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_fake_enforces_telegrams_limits() {
    let rig = Rig::start().await;
    let client = reqwest::Client::new();
    let send = |chat: i64| {
        client
            .post(format!("{}/bot{TOKEN}/sendMessage", rig.server.url()))
            .json(&json!({"chat_id": chat, "text": "hi"}))
            .send()
    };
    for _ in 0..bots::fake::telegram::PER_CHAT_PER_SECOND {
        assert_eq!(send(561).await.unwrap().status(), 200);
    }
    let refused = send(561).await.unwrap();
    assert_eq!(refused.status(), 429);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["ok"], false);
    assert_eq!(body["error_code"], 429);
    assert_eq!(body["parameters"]["retry_after"], 1);
    assert_eq!(body["description"], "Too Many Requests: retry after 1");
    assert_eq!(send(562).await.unwrap().status(), 200, "other chats are not held back");

    let wrong_token = client.post(format!("{}/botnope/getMe", rig.server.url())).send().await.unwrap();
    assert_eq!(wrong_token.status(), 401);
}

#[tokio::test]
async fn two_limiters_on_one_namespace_keep_one_message_a_second_per_chat() {
    let namespace = namespace();
    // Two processes' limiters: separate connections, one namespace.
    let (first, second) = (limiter(&namespace).await, limiter(&namespace).await);
    let sent = Arc::new(Mutex::new(Vec::new()));
    let mut senders = Vec::new();
    for limiter in [first.clone(), second.clone(), first, second] {
        let sent = sent.clone();
        senders.push(tokio::spawn(async move {
            limiter.acquire(Platform::Telegram, 571, false).await.unwrap();
            sent.lock().unwrap().push(Instant::now());
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
    let mut times = sent.lock().unwrap().clone();
    times.sort();
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(950), "two sends to one chat {gap:?} apart");
    }
    // Another chat is not held back by this one.
    let other = limiter(&namespace).await;
    let asked = Instant::now();
    other.acquire(Platform::Telegram, 572, false).await.unwrap();
    assert!(asked.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn the_overall_limit_spaces_messages_to_many_chats() {
    let spacing = Limits { overall: Duration::from_millis(100), per_chat: Duration::ZERO, per_group: Duration::ZERO };
    let limiter = limiter(&namespace()).await.with_limits(spacing);
    let started = Instant::now();
    for chat in 0..6 {
        limiter.acquire(Platform::Telegram, chat, false).await.unwrap();
    }
    // Six sends need five gaps of 100 ms.
    assert!(started.elapsed() >= Duration::from_millis(490), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_messenger_port_sends_through_the_fake() {
    let rig = Rig::start().await;
    let messengers = Messengers::new().with_telegram(rig.transport.clone());
    assert!(messengers.serves(Platform::Telegram));
    assert!(!messengers.serves(Platform::Vk));

    let outbound = |chat_id: &str| Outbound {
        platform: Platform::Telegram,
        chat_id: chat_id.into(),
        text: "Закупка «Мёд» *собрана*".into(),
        key: format!("notification:{chat_id}"),
    };
    let sent = messengers.send(&outbound("581")).await.unwrap();
    let messages = rig.fake().bot_messages(581);
    assert_eq!(messages.len(), 1);
    assert_eq!(sent.message_id, messages[0].message_id.to_string());
    assert_eq!(messages[0].text, "Закупка «Мёд» *собрана*", "plain text, no markup parsing");

    messengers.send(&outbound("@groupbuy_news")).await.unwrap();
    assert!(matches!(messengers.send(&outbound("not a chat")).await, Err(SendError::Refused(_))));
    let vk = Outbound { platform: Platform::Vk, ..outbound("1") };
    assert!(matches!(messengers.send(&vk).await, Err(SendError::Refused(_))));

    // A 429 on a notification is waited out too.
    rig.fake().rate_limit_next("sendMessage", 1);
    messengers.send(&outbound("582")).await.unwrap();
    assert_eq!(rig.fake().bot_messages(582).len(), 1);
}

#[tokio::test]
async fn the_playground_plays_a_buyer_through_the_fake() {
    let rig = Rig::polling().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let page = poem::Route::new().nest("/bot-playground", bots::playground::endpoint(rig.fake().clone()));
    tokio::spawn(poem::Server::new(poem::listener::TcpListener::bind(addr.to_string())).run(page));
    let base = format!("http://{addr}/bot-playground");
    let client = reqwest::Client::new();
    eventually("the playground", WAIT, || async { client.get(format!("{base}/")).send().await.is_ok() }).await;

    let html = client.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("organizer"));
    let said =
        client.post(format!("{base}/say")).json(&json!({"identity": "buyer", "text": "hi"})).send().await.unwrap();
    assert_eq!(said.status(), 200);
    let buyer = bots::playground::Identity::Buyer.user(None).id;
    assert_eq!(rig.bot_messages(buyer, 1).await[0].text, "echo: hi");
    let shown: Value =
        client.get(format!("{base}/messages?identity=buyer")).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown[0]["text"], "echo: hi");

    let empty =
        client.post(format!("{base}/say")).json(&json!({"identity": "buyer", "text": " "})).send().await.unwrap();
    assert_eq!(empty.status(), 400);
    let nobody =
        client.post(format!("{base}/say")).json(&json!({"identity": "admin", "text": "x"})).send().await.unwrap();
    assert!(nobody.status().is_client_error());
}

/// `groupbuy bot telegram` as a process, against the fake.
fn bot_process(api_url: &str, extra: &[(&str, &str)]) -> std::process::Command {
    groupbuy(&["bot", "telegram"], api_url, extra)
}

/// A `groupbuy` role with the Telegram bot's settings pointing at the fake.
fn groupbuy(role: &[&str], api_url: &str, extra: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_groupbuy"));
    command
        .args(role)
        .env("TELEGRAM_TOKEN", TOKEN)
        .env("TELEGRAM_API_URL", api_url)
        .env("REDIS_URL", crate::support::REDIS_URL)
        .env("QUEUE_NAMESPACE", namespace())
        .env("JWT_SECRET", "unused-by-the-bot-but-required-to-skip-the-dev-secret")
        .env("RUST_LOG", "warn")
        .envs(extra.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    command
}

/// Waits for the process off the runtime's thread, which serves the fake it talks to.
async fn run_to_end(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

/// A child process killed when the test ends, passed or not.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_bot_role_polls_and_answers() {
    let server = FakeTelegram::new(TOKEN).serve("127.0.0.1:0").await.unwrap();
    let _bot = Killed(bot_process(&server.url(), &[]).spawn().unwrap());
    server.fake().inject(&action(591, Some("/help"), None, None)).unwrap();
    eventually("the bot process's answer", WAIT, || async { !server.fake().bot_messages(591).is_empty() }).await;
    assert!(server.fake().bot_messages(591)[0].text.starts_with("Available commands"));

    // Webhook mode is the API process's; a refused token stops the role with an error.
    let webhook =
        [("TELEGRAM_WEBHOOK_URL", "https://bots.example/bot/telegram/webhook"), ("TELEGRAM_WEBHOOK_SECRET", "s")];
    let refused = run_to_end(bot_process(&server.url(), &webhook)).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("webhook"));
    let wrong_token = run_to_end(bot_process(&server.url(), &[("TELEGRAM_TOKEN", "1:wrong")])).await;
    assert!(!wrong_token.status.success());
}

#[tokio::test]
async fn the_api_process_serves_the_webhook() {
    let app = crate::support::TestApp::spawn().await;
    let server = FakeTelegram::new(TOKEN).serve("127.0.0.1:0").await.unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let hook = format!("{base}/bot/telegram/webhook");
    let settings = [
        ("TELEGRAM_WEBHOOK_URL", hook.as_str()),
        ("TELEGRAM_WEBHOOK_SECRET", "api-secret"),
        ("QUEUE_NAMESPACE", &app.namespace),
        ("DATABASE_URL", &app.database_url),
        ("HTTP_ADDR", &base["http://".len()..]),
    ];
    let mut command = groupbuy(&["api"], &server.url(), &settings);
    command.envs(app.bank_env());
    let _api = Killed(command.spawn().unwrap());

    eventually("the webhook registered", Duration::from_secs(60), || async { server.fake().webhook().is_some() }).await;
    assert_eq!(server.fake().webhook(), Some((hook.clone(), true)));
    let health = format!("{base}/health");
    eventually("the API listening", Duration::from_secs(60), || async { reqwest::get(&health).await.is_ok() }).await;
    server.fake().inject(&action(601, Some("/help"), None, None)).unwrap();
    eventually("the answer through the webhook", WAIT, || async { !server.fake().bot_messages(601).is_empty() }).await;

    // The API itself is still there behind the bot's routes, and the secret is checked.
    assert_eq!(reqwest::get(&health).await.unwrap().status(), 200);
    let forged = reqwest::Client::new()
        .post(&hook)
        .header("X-Telegram-Bot-Api-Secret-Token", "nope")
        .json(&json!({"update_id": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

/// Takes updates and never answers, as a process that dies mid-way would.
#[derive(Default)]
struct Stuck {
    entered: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl Handler for Stuck {
    async fn handle(&self, _incoming: Incoming) -> Answer {
        self.entered.notify_one();
        std::future::pending().await
    }
}

#[tokio::test]
async fn an_update_a_crash_interrupts_is_fetched_again_after_the_restart() {
    let server = FakeTelegram::new(TOKEN).serve("127.0.0.1:0").await.unwrap();
    let transport =
        TelegramTransport::new(bots::telegram::bot(TOKEN, &server.url()).unwrap(), limiter(&namespace()).await);
    let stuck = Arc::new(Stuck::default());
    let dying = tokio::spawn(bots::telegram::run_polling(
        transport.bot().clone(),
        ChatQueues::new(stuck.clone(), Arc::new(transport.clone())),
    ));
    server.fake().inject(&action(611, Some("before the crash"), None, None)).unwrap();
    tokio::time::timeout(WAIT, stuck.entered.notified()).await.expect("the update to reach the handler");
    // Give the poll loop time for further getUpdates calls: none may confirm the update.
    tokio::time::sleep(Duration::from_millis(600)).await;
    dying.abort();

    let echo = Arc::new(Echo::default());
    tokio::spawn(bots::telegram::run_polling(
        transport.bot().clone(),
        ChatQueues::new(echo.clone(), Arc::new(transport.clone())),
    ));
    eventually("the restarted bot to answer the interrupted update", WAIT, || async {
        server.fake().bot_messages(611).iter().any(|m| m.text == "echo: before the crash")
    })
    .await;
}

#[tokio::test]
async fn the_cabinet_opens_as_a_mini_app_over_https_only() {
    let rig = Rig::polling().await;
    let bot = rig.transport.bot().clone();
    assert_eq!(bots::telegram::offer_cabinet(&bot, "http://127.0.0.1:8000").await, Ok(false));
    assert_eq!(rig.fake().menu_button(None), None, "nothing is asked of Telegram over http");
    assert_eq!(bots::telegram::offer_cabinet(&bot, "https://gb.example/").await, Ok(true));
    let menu = rig.fake().menu_button(None).expect("the menu button is set");
    assert_eq!(menu["type"], "web_app");
    assert_eq!(menu["web_app"]["url"], "https://gb.example/");

    // The buttons the bot hands out, as Telegram receives them.
    rig.say(611, "cabinet https://gb.example");
    let markup = rig.bot_messages(611, 1).await.remove(0).reply_markup.unwrap();
    assert_eq!(markup["inline_keyboard"][0][0]["web_app"]["url"], "https://gb.example/chats");
    assert_eq!(markup["inline_keyboard"][1][0]["url"], "https://gb.example/login?code=abc");
    rig.say(612, "cabinet http://127.0.0.1:8000");
    let markup = rig.bot_messages(612, 1).await.remove(0).reply_markup.unwrap();
    assert_eq!(markup["inline_keyboard"].as_array().map(Vec::len), Some(1), "{markup}");
    assert!(markup["inline_keyboard"][0][0].get("web_app").is_none(), "{markup}");
    assert_eq!(markup["inline_keyboard"][0][0]["url"], "http://127.0.0.1:8000/login?code=abc");

    // Telegram refuses a web app over plain http, and so does the fake.
    let refused = reqwest::Client::new()
        .post(format!("{}/bot{TOKEN}/setChatMenuButton", rig.server.url()))
        .json(&json!({ "menu_button": { "type": "web_app", "text": "x", "web_app": { "url": "http://gb.example/" } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);
    assert_eq!(rig.fake().menu_button(None).unwrap()["web_app"]["url"], "https://gb.example/");
}
