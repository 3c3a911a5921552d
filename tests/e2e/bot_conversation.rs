//! The bot engine's conversations: registration with validation at each step, recognition of
//! REST-registered people, languages, /cancel, restarts and two processes sharing Redis, groups.

use crate::bot_harness::*;
use crate::support::{TestApp, send};
use bots::runtime::{ChatKind, Platform};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn registration_validates_each_step_and_creates_the_person() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let bot = engine(&app, &ns).await;
    let chat = private(&bot, Platform::Telegram, Some("ru"));

    assert_says(&chat.say("/start").await, "Как вас зовут?");
    assert_says(&chat.say("J").await, "от 2 до 50");
    assert_says(&chat.say("  Иван   Петров ").await, "Отлично, Иван Петров!");
    assert_says(&chat.say("12345").await, "+79991234567");
    let email = chat.say("8 (999) 123-45-67").await;
    assert_has_button(&email, "skip");
    assert_has_button(&chat.say("user@").await, "skip");
    let role = chat.say("Ivan@Example.RU").await;
    assert_has_button(&role, "role_organizer");
    // another button is not a role: asked again
    assert_has_button(&chat.press("view_proc_1").await, "role_buyer");
    let done = chat.press("role_organizer").await;
    let menu = keyboard(&done).expect("main menu");
    assert!(menu.texts().any(|t| t == "➕ Создать закупку"), "{menu:?}");

    let row: (String, String, String, String, String, String) = sqlx::query_as(
        "SELECT u.first_name, u.last_name, u.phone, u.email, u.role, u.language_code
         FROM users u JOIN user_identities i ON i.user_id = u.id
         WHERE i.platform = 'telegram' AND i.platform_user_id = $1",
    )
    .bind(&chat.person.platform_user_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "Иван".into(),
            "Петров".into(),
            "+79991234567".into(),
            "ivan@example.ru".into(),
            "organizer".into(),
            "ru".into()
        )
    );
    assert_eq!(stored_session(&ns, &chat).await, None, "a finished dialogue leaves nothing behind");
    assert_says(&chat.say("/start").await, "С возвращением, Иван!");
}

#[tokio::test]
async fn english_people_are_answered_in_english_and_stored_so() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Vk, Some("en-US"));
    assert_says(&chat.say("/start").await, "Please enter your name");
    assert_says(&chat.say("1").await, "Please enter a valid name");
    chat.say("John Smith").await;
    chat.say("+79991234567").await;
    let role = chat.say("-").await;
    assert_has_button(&role, "role_buyer");
    let done = chat.say("Buyer").await;
    assert!(keyboard(&done).unwrap().texts().any(|t| t == "📦 Procurements"));
    let lang: String = sqlx::query_scalar(
        "SELECT language_code FROM users u JOIN user_identities i ON i.user_id = u.id WHERE i.platform = 'vk' AND i.platform_user_id = $1",
    )
    .bind(&chat.person.platform_user_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(lang, "en");
    assert_says(&chat.say("/help").await, "Available commands");
    // the stored language wins over what the messenger reports later
    let mut later = chat.clone();
    later.person.language_code = Some("ru".into());
    assert_says(&later.say("/help").await, "Available commands");
}

#[tokio::test]
async fn a_person_registered_through_rest_is_recognised() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    let (status, body) = send(app.service(Method::POST, "/api/users/").json(&json!({
        "platform": "telegram", "platform_user_id": chat.person.platform_user_id,
        "first_name": "Anna", "role": "buyer", "language_code": "en"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_says(&chat.say("/start").await, "Welcome back, Anna!");
    assert_says(&chat.say("/profile").await, "Anna");
    // the same id on the other messenger is another person
    let mut on_vk = chat.clone();
    on_vk.platform = Platform::Vk;
    assert_says(&on_vk.say("/balance").await, "Вы ещё не зарегистрированы");
}

#[tokio::test]
async fn unknown_input_gets_a_hint_never_silence() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    for command in ["/profile", "/balance", "/procurements", "/my_procurements", "/chat", "/deposit"] {
        assert_says(&chat.say(command).await, "/start");
    }
    assert_says(&chat.press("view_proc_1").await, "/start");
    assert_says(&chat.say("/help").await, "/create_procurement");
    chat.register(&app, "Иван", "buyer").await;
    assert_says(&chat.say("привет").await, "/help");
    assert_says(&chat.say("/unknown").await, "/help");
    let stale = chat.press("no_such_button_1").await;
    assert_says(&stale, "устарела");
    assert!(stale.ack.as_ref().unwrap().notice.is_some());
    assert_says(&chat.press("confirm_create").await, "устарела");
    assert_says(&chat.say("/broadcast").await, "Рассылки");
    assert_says(&chat.say("/cancel").await, "Нечего отменять");
    // a pressed button is always acknowledged, by the query it came with
    let pressed = chat.press("refresh_balance").await;
    assert_eq!(pressed.ack.as_ref().unwrap().chat_id, chat.chat_id);
}

#[tokio::test]
async fn cancel_and_other_commands_end_a_dialogue_at_any_step() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let bot = engine(&app, &ns).await;
    let chat = private(&bot, Platform::Telegram, None);
    chat.say("/start").await;
    chat.say("Иван").await;
    assert!(stored_session(&ns, &chat).await.unwrap().contains("phone"));
    assert_says(&chat.say("/cancel").await, "Действие отменено");
    assert_eq!(stored_session(&ns, &chat).await, None);
    assert_eq!(chat.user_id(&app).await, None);

    // a command mid-dialogue runs instead of being taken as an answer
    chat.say("/start").await;
    assert_says(&chat.say("/help").await, "Доступные команды");
    assert_eq!(stored_session(&ns, &chat).await, None);

    chat.register(&app, "Иван", "organizer").await;
    for (start, answers) in [("/create_procurement", vec!["Мёд с пасеки"]), ("/search", vec![]), ("/deposit", vec![])]
    {
        chat.say(start).await;
        for a in answers {
            chat.say(a).await;
        }
        if start == "/deposit" {
            chat.press("deposit_custom").await;
        }
        assert!(stored_session(&ns, &chat).await.is_some(), "{start}");
        assert_says(&chat.say("Отмена").await, "Действие отменено");
        assert_eq!(stored_session(&ns, &chat).await, None, "{start}");
    }
    chat.press("edit_phone").await;
    assert_says(&chat.say("/cancel").await, "Действие отменено");
}

#[tokio::test]
async fn a_new_process_continues_a_dialogue_after_a_restart() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let first = engine(&app, &ns).await;
    let chat = private(&first, Platform::Telegram, None);
    chat.say("/start").await;
    chat.say("Иван").await;
    drop(first);

    let mut conn = redis().await;
    let key = format!("{ns}:bot:dialog:telegram:{}:{}", chat.chat_id, chat.person.platform_user_id);
    let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut conn).await.unwrap();
    assert!((86_000..=86_400).contains(&ttl), "dialogue TTL {ttl}");

    let restarted = engine(&app, &ns).await;
    let chat = chat.via(&restarted);
    assert_has_button(&chat.say("+79991234567").await, "skip");
    chat.press("skip").await;
    chat.press("role_buyer").await;
    assert!(chat.user_id(&app).await.is_some());
}

#[tokio::test]
async fn two_processes_share_dialogues_and_take_turns_on_a_chat() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let (a, b) = (engine(&app, &ns).await, engine(&app, &ns).await);
    let on_a = private(&a, Platform::Telegram, None);
    let on_b = on_a.via(&b);
    // each step through the other process
    on_a.say("/start").await;
    assert_says(&on_b.say("Иван").await, "Отлично, Иван!");
    on_a.say("+79991234567").await;
    on_b.press("skip").await;
    on_a.press("role_buyer").await;
    assert!(on_a.user_id(&app).await.is_some());

    // many updates at once through both processes: each is answered, none is lost
    let mut tasks = Vec::new();
    for i in 0..10 {
        let chat = if i % 2 == 0 { on_a.clone() } else { on_b.clone() };
        tasks.push(tokio::spawn(async move { chat.say("/balance").await }));
    }
    for task in tasks {
        assert_says(&task.await.unwrap(), "Баланс");
    }

    // a chat another process holds waits for it; other chats do not
    let mut conn = redis().await;
    let lock = format!("{ns}:bot:lock:telegram:{}", on_a.chat_id);
    let _: () = redis::cmd("SET").arg(&lock).arg("other").arg("PX").arg(700).query_async(&mut conn).await.unwrap();
    let other_chat = private(&a, Platform::Telegram, None);
    let started = Instant::now();
    assert_says(&other_chat.say("/help").await, "Доступные команды");
    assert!(started.elapsed() < Duration::from_millis(500), "another chat waited {:?}", started.elapsed());
    let started = Instant::now();
    assert_says(&on_b.say("/balance").await, "Баланс");
    assert!(started.elapsed() >= Duration::from_millis(400), "the held chat did not wait: {:?}", started.elapsed());
    let left: Option<String> = redis::cmd("GET").arg(&lock).query_async(&mut conn).await.unwrap();
    assert_eq!(left, None, "the lock is released after the update");
}

#[tokio::test]
async fn a_chat_held_too_long_elsewhere_gets_a_busy_hint() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let mut settings = bots::runtime::ConversationSettings::new(&ns, WEB_BASE, crate::support::pay_into(None));
    settings.chat_wait = Duration::from_millis(200);
    let bot = bots::runtime::Conversation::new(app.pool.clone(), redis().await, settings);
    let chat = private(&bot, Platform::Vk, None);
    let mut conn = redis().await;
    let lock = format!("{ns}:bot:lock:vk:{}", chat.chat_id);
    let _: () = redis::cmd("SET").arg(&lock).arg("other").arg("PX").arg(5_000).query_async(&mut conn).await.unwrap();
    assert_says(&chat.say("/start").await, "повторите через минуту");
    // the other holder's lock is not ours to delete
    let still: Option<String> = redis::cmd("GET").arg(&lock).query_async(&mut conn).await.unwrap();
    assert_eq!(still.as_deref(), Some("other"));
}

#[tokio::test]
async fn groups_get_answers_to_commands_only_and_channels_none() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let mut group = private(&bot, Platform::Telegram, None);
    group.kind = ChatKind::Group;
    group.chat_id = -group.chat_id;
    assert!(group.say("всем привет").await.messages.is_empty());
    assert_says(&group.say("/help@GroupBuyBot").await, "Доступные команды");
    // a dialogue started by a command continues in the group
    group.say("/start").await;
    assert_says(&group.say("Иван").await, "Отлично, Иван!");
    let mut channel = group.clone();
    channel.kind = ChatKind::Channel;
    assert_eq!(channel.say("/help").await, bots::runtime::Answer::default());
}
