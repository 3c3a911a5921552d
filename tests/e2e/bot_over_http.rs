//! The real conversation behind each adapter, over real HTTP against the fakes: a person
//! registers, finds a procurement, joins it with a quantity, and the database shows the order.

use std::sync::Arc;
use std::time::Duration;

use bots::fake::telegram::{FakeTelegram, FakeUser, UserAction};
use bots::outbound::Limiter;
use bots::telegram::{ChatQueues, TelegramTransport};
use serde_json::{Value, json};

use crate::bot_harness::{engine, namespace};
use crate::bot_vk::{Control, client_for};
use crate::support::{TestApp, eventually};

const WAIT: Duration = Duration::from_secs(20);

/// The participants of a procurement, as the API lists them.
async fn participants(app: &TestApp, procurement: i64) -> Vec<Value> {
    let (_, body) = crate::support::send(
        app.service(reqwest::Method::GET, &format!("/api/procurements/{procurement}/participants/")),
    )
    .await;
    body.as_array().cloned().or_else(|| body["results"].as_array().cloned()).unwrap_or_default()
}

fn telegram_user(id: i64, text: Option<&str>, data: Option<&str>, message_id: Option<i64>) -> UserAction {
    UserAction {
        from: FakeUser {
            id,
            first_name: "Анна".into(),
            last_name: Some("Смирнова".into()),
            username: None,
            language_code: Some("ru".into()),
        },
        chat_id: None,
        chat_type: None,
        chat_title: None,
        text: text.map(str::to_string),
        callback_data: data.map(str::to_string),
        message_id,
    }
}

#[tokio::test]
async fn a_telegram_buyer_registers_and_joins_through_the_fake() {
    let app = TestApp::spawn().await;
    let (procurement, _) =
        app.active(json!({ "title": "Мёд с пасеки", "price_per_unit": "450.00", "unit": "кг" })).await;
    let ns = namespace();
    let server = FakeTelegram::new("77:over-http").serve("127.0.0.1:0").await.unwrap();
    let bot = bots::telegram::bot("77:over-http", &server.url()).unwrap();
    let redis = workers::storage::connect("redis://127.0.0.1:6379").await.unwrap();
    let transport = TelegramTransport::new(bot, Limiter::new(redis, ns.clone()));
    let queues = ChatQueues::new(Arc::new(engine(&app, &ns).await), Arc::new(transport.clone()));
    tokio::spawn(bots::telegram::run_polling(transport.bot().clone(), queues));
    let fake = server.fake().clone();
    let user = 880_001;

    // Each step waits for the bot's answer containing `expect`; returns that message.
    let step = |text: Option<&'static str>, data: Option<String>, expect: &'static str| {
        let fake = fake.clone();
        async move {
            let before = fake.bot_messages(user).len();
            let under = fake.bot_messages(user).last().map(|m| m.message_id);
            fake.inject(&telegram_user(user, text, data.as_deref(), data.as_ref().and(under))).unwrap();
            let deadline = std::time::Instant::now() + WAIT;
            while !fake.bot_messages(user).iter().skip(before.saturating_sub(1)).any(|m| m.text.contains(expect)) {
                let said: Vec<String> = fake.bot_messages(user).into_iter().map(|m| m.text).collect();
                assert!(std::time::Instant::now() < deadline, "no {expect:?} in {said:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            fake.bot_messages(user).into_iter().rev().find(|m| m.text.contains(expect)).unwrap()
        }
    };
    step(Some("/start"), None, "Как вас зовут?").await;
    step(Some("Анна Смирнова"), None, "номер телефона").await;
    step(Some("12345"), None, "+79991234567").await; // a bad phone is refused with a hint
    step(Some("+79991234567"), None, "email").await;
    step(None, Some("skip".into()), "Выберите роль").await;
    step(None, Some("role_buyer".into()), "Регистрация завершена").await;
    // the list names each procurement on its button
    let list = step(Some("/procurements"), None, "Закупки:").await;
    let buttons = list.reply_markup.unwrap().to_string();
    assert!(buttons.contains(&format!("view_proc_{procurement}")) && buttons.contains("Мёд с пасеки"), "{buttons}");
    step(None, Some(format!("view_proc_{procurement}")), "Мёд с пасеки").await;
    step(None, Some(format!("join_proc_{procurement}")), "Сколько вы хотите заказать").await;
    step(Some("2"), None, "900").await; // the server's amount, before confirming
    step(None, Some(format!("confirm_join_{procurement}")), "Вы присоединились").await;

    let joined = participants(&app, procurement).await;
    assert_eq!(joined.len(), 1, "{joined:?}");
    assert_eq!(joined[0]["quantity"], "2.00");
}

/// Waits until the bot has said something containing `expect` to `user`.
async fn vk_said(control: &Control, user: i64, expect: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    while !control.sent_texts(user).await.iter().any(|t| t.contains(expect)) {
        assert!(std::time::Instant::now() < deadline, "no {expect:?} in {:?}", control.sent_texts(user).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn vk_write(control: &Control, user: i64, text: &str) {
    control.post("/fake/message", json!({ "from_id": user, "text": text, "first_name": "Пётр" })).await;
}

/// Presses the button whose callback data is `data` (found by its label, as a person would).
async fn vk_press(control: &Control, user: i64, data: &str) {
    let sent = control.get(&format!("/fake/sent?peer_id={user}")).await;
    let wanted = format!(r#"{{"data":"{data}"}}"#);
    let label = sent
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .flat_map(|m| m["keyboard"]["buttons"].as_array().cloned().unwrap_or_default())
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .find(|b| b["action"]["payload"].as_str() == Some(wanted.as_str()))
        .and_then(|b| b["action"]["label"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no button {data} in {sent}"));
    control.post("/fake/press", json!({ "user_id": user, "label": label })).await;
}

#[tokio::test]
async fn a_vk_buyer_registers_and_joins_through_the_fake() {
    let app = TestApp::spawn().await;
    let (procurement, _) =
        app.active(json!({ "title": "Сыр из Карелии", "price_per_unit": "800.00", "unit": "кг" })).await;
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let handler = Arc::new(engine(&app, &namespace()).await);
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(bots::vk::run_long_poll_claiming(client_for(&fake), handler, None, async move {
        let _ = stopped.await;
    }));
    let user = 990_001;
    // Bots Long Poll delivers what happens after the bot's first check, as VK does.
    eventually("the bot to poll", WAIT, || async { control.get("/fake/long_poll").await["checks"] != 0 }).await;

    vk_write(&control, user, "/start").await;
    vk_said(&control, user, "Как вас зовут?").await;
    vk_write(&control, user, "Пётр Иванов").await;
    vk_said(&control, user, "номер телефона").await;
    vk_write(&control, user, "+79990001122").await;
    vk_said(&control, user, "email").await;
    vk_write(&control, user, "-").await;
    vk_said(&control, user, "Выберите роль").await;
    vk_press(&control, user, "role_buyer").await;
    vk_said(&control, user, "Регистрация завершена").await;
    vk_write(&control, user, "/search Сыр").await;
    vk_said(&control, user, "поиск «Сыр»").await;
    vk_press(&control, user, &format!("view_proc_{procurement}")).await;
    vk_said(&control, user, "800").await;
    vk_press(&control, user, &format!("join_proc_{procurement}")).await;
    vk_said(&control, user, "Сколько вы хотите заказать").await;
    vk_write(&control, user, "3").await;
    vk_said(&control, user, "2 400").await;
    vk_press(&control, user, &format!("confirm_join_{procurement}")).await;
    vk_said(&control, user, "Вы присоединились").await;

    let joined = participants(&app, procurement).await;
    assert_eq!(joined.len(), 1, "{joined:?}");
    assert_eq!(joined[0]["quantity"], "3.00");
}
