//! The bot's procurement and money screens: the list with filters, search and pages, the card,
//! joining, leaving, paying, organizer actions, creating a procurement, balance and deposits.

use crate::bot_harness::*;
use crate::support::{TestApp, send};
use bots::runtime::Platform;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn category(app: &TestApp, name: &str) -> i64 {
    let (status, body) =
        send(app.service(Method::POST, "/api/procurements/categories/").json(&json!({ "name": name, "icon": "🍯" })))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

async fn participant(app: &TestApp, procurement: i64, user: i64) -> Option<(String, String)> {
    sqlx::query_as(
        "SELECT status, amount::text FROM participants WHERE procurement_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(procurement)
    .bind(user)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

async fn status_of(app: &TestApp, procurement: i64) -> String {
    sqlx::query_scalar("SELECT status FROM procurements WHERE id = $1")
        .bind(procurement)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_list_pages_filters_and_searches() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    chat.register(&app, "Иван", "buyer").await;
    assert_says(&chat.say("/procurements").await, "Сейчас нет активных закупок");

    let honey = category(&app, "Мёд").await;
    let organizer = app.register("organizer").await;
    for i in 0..22 {
        let extra = if i < 3 {
            json!({ "title": format!("Алтайский мёд {i}"), "city": "Казань", "category": honey })
        } else {
            json!({ "title": format!("Крупа {i}"), "city": "Москва" })
        };
        let id = app.draft(organizer, extra).await;
        app.set_status(id, "active").await;
    }
    let draft = app.draft(organizer, json!({ "title": "Черновик не виден" })).await;

    let first = chat.say("/procurements").await;
    assert_says(&first, "Закупки: 22 (страница 1 из 2)");
    let buttons = callbacks(&first);
    assert_eq!(buttons.iter().filter(|d| d.starts_with("view_proc_")).count(), 20);
    assert!(!buttons.contains(&format!("view_proc_{draft}")));
    assert_has_button(&first, "list_page_2");
    let second = chat.press("list_page_2").await;
    assert_says(&second, "страница 2 из 2");
    assert_eq!(callbacks(&second).iter().filter(|d| d.starts_with("view_proc_")).count(), 2);
    assert_has_button(&second, "list_page_1");
    assert_eq!(second.messages[0].edit_message_id, Some(77), "a page replaces the list it was asked from");

    // by city: typed, with a too-short answer first
    chat.press("filter_city").await;
    assert_says(&chat.say("К").await, "от 2 до 100");
    let kazan = chat.say("казань").await;
    assert_says(&kazan, "Закупки: 3");
    assert_says(&kazan, "город «казань»");
    assert_has_button(&kazan, "clear_filters");
    // the filter holds while paging back to the list
    assert_says(&chat.press("back_to_procurements").await, "Закупки: 3");
    let cleared = chat.press("clear_filters").await;
    assert_says(&cleared, "Закупки: 22");

    // by category
    assert_has_button(&chat.press("filter_category").await, &format!("category_{honey}"));
    let by_category = chat.press(&format!("category_{honey}")).await;
    assert_says(&by_category, "Закупки: 3");
    assert_says(&by_category, "категория «Мёд»");
    assert_says(&chat.press("category_999999").await, "Не найдено");

    // search: with words, and as a dialogue with its length rule
    assert_says(&chat.say("/search казань").await, "Закупки: 3");
    assert_says(&chat.say("/search").await, "Введите название");
    assert_says(&chat.say("м").await, "от 2 до 100");
    assert_says(&chat.say("Крупа 1").await, "поиск «Крупа 1»");
    assert_says(&chat.say("/search нет такого").await, "По этим условиям закупок нет");
    // the menu button opens the list afresh
    assert_says(&chat.say("📦 Закупки").await, "Закупки: 22");

    // the card; a draft is not shown to others
    let card = chat.press(&format!("view_proc_{}", draft - 1)).await;
    assert_says(&card, "Организатор");
    assert_has_button(&card, &format!("join_proc_{}", draft - 1));
    assert_says(&chat.press(&format!("view_proc_{draft}")).await, "Не найдено");
}

#[tokio::test]
async fn buyer_joins_leaves_and_pays_while_the_organizer_moves_the_procurement() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let bot = engine(&app, &ns).await;
    let org_chat = private(&bot, Platform::Telegram, None);
    let organizer = org_chat.register(&app, "Ольга", "organizer").await;
    let procurement = app.draft(organizer, json!({ "price_per_unit": "100.00", "unit": "кг" })).await;
    let buyer_chat = private(&bot, Platform::Vk, None);
    let buyer = buyer_chat.register(&app, "Борис", "buyer").await;

    // the organizer publishes from the card
    let card = org_chat.press(&format!("view_proc_{procurement}")).await;
    assert_has_button(&card, &format!("org_publish_{procurement}"));
    assert_says(&org_chat.press(&format!("org_publish_{procurement}")).await, "Активная");
    assert_eq!(status_of(&app, procurement).await, "active");
    // a buyer cannot act as the organizer, even with a forged button
    assert_says(&buyer_chat.press(&format!("org_stop_{procurement}")).await, "недоступно");
    assert_eq!(status_of(&app, procurement).await, "active");

    // join: the quantity is checked, the amount shown, nothing stored before the confirmation
    assert_says(&buyer_chat.press(&format!("join_proc_{procurement}")).await, "Сколько");
    assert_says(&buyer_chat.say("0").await, "больше нуля");
    assert_says(&buyer_chat.say("два").await, "больше нуля");
    let confirm = buyer_chat.say("2,5").await;
    assert_says(&confirm, "250,00 ₽");
    assert_has_button(&confirm, &format!("confirm_join_{procurement}"));
    assert_eq!(participant(&app, procurement, buyer).await, None);
    let joined = buyer_chat.press(&format!("confirm_join_{procurement}")).await;
    assert_says(&joined, "Вы присоединились");
    assert_eq!(participant(&app, procurement, buyer).await, Some(("pending".into(), "250.00".into())));
    assert_says(&buyer_chat.press(&format!("confirm_join_{procurement}")).await, "устарела");

    // leave, with a confirmation
    let card = buyer_chat.press(&format!("view_proc_{procurement}")).await;
    assert_says(&card, "Ваш заказ: 2,5 кг");
    assert_has_button(&card, &format!("leave_proc_{procurement}"));
    assert_has_button(
        &buyer_chat.press(&format!("leave_proc_{procurement}")).await,
        &format!("confirm_leave_{procurement}"),
    );
    assert_eq!(participant(&app, procurement, buyer).await.unwrap().0, "pending");
    assert_says(&buyer_chat.press(&format!("confirm_leave_{procurement}")).await, "Вы вышли");
    assert_eq!(participant(&app, procurement, buyer).await.unwrap().0, "cancelled");

    // join again; the organizer confirms, stops, asks for payment
    buyer_chat.press(&format!("join_proc_{procurement}")).await;
    buyer_chat.say("3").await;
    buyer_chat.press(&format!("confirm_join_{procurement}")).await;
    let people = org_chat.press(&format!("participants_{procurement}")).await;
    assert_says(&people, "Борис");
    assert_says(&people, "ожидает подтверждения");
    assert_says(&org_chat.press(&format!("org_confirm_{procurement}")).await, "Подтверждено участников: 1");
    assert_eq!(participant(&app, procurement, buyer).await.unwrap().0, "confirmed");
    assert_says(&org_chat.press(&format!("org_stop_{procurement}")).await, "Сбор остановлен");
    // an illegal move is refused by the state machine and changes nothing
    assert_says(&org_chat.press(&format!("org_complete_{procurement}")).await, "Не получилось");
    assert_eq!(status_of(&app, procurement).await, "stopped");
    org_chat.press(&format!("org_payment_{procurement}")).await;
    assert_eq!(status_of(&app, procurement).await, "payment");

    // pay: refused without money, then paid from the balance
    let card = buyer_chat.press(&format!("view_proc_{procurement}")).await;
    assert_has_button(&card, &format!("pay_share_{procurement}"));
    assert_says(&buyer_chat.press(&format!("pay_share_{procurement}")).await, "Недостаточно средств");
    app.fund(buyer, "1000.00").await;
    assert_says(&buyer_chat.press(&format!("pay_share_{procurement}")).await, "Оплачено 300,00 ₽");
    assert_eq!(participant(&app, procurement, buyer).await.unwrap().0, "paid");
    assert_says(&buyer_chat.say("/balance").await, "700,00 ₽");

    // my procurements, as organizer and as buyer, with totals
    let mine = org_chat.say("/my_procurements").await;
    assert_says(&mine, "Организую (1)");
    assert_says(&mine, "собрано в моих закупках 300,00 ₽");
    let mine = buyer_chat.say("🛒 Мои заказы").await;
    assert_says(&mine, "Участвую (1)");
    assert_says(&mine, "мои заказы на 300,00 ₽");

    assert_says(&org_chat.press(&format!("org_complete_{procurement}")).await, "Завершена");
    assert_eq!(status_of(&app, procurement).await, "completed");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn an_organizer_creates_a_procurement_through_every_step() {
    let app = TestApp::spawn().await;
    let ns = namespace();
    let bot = engine(&app, &ns).await;
    let buyer = private(&bot, Platform::Telegram, None);
    buyer.register(&app, "Борис", "buyer").await;
    assert_says(&buyer.say("/create_procurement").await, "только организаторы");

    let honey = category(&app, "Мёд").await;
    let chat = private(&bot, Platform::Telegram, Some("en"));
    let organizer = chat.register(&app, "Olga", "organizer").await;
    assert_says(&chat.say("➕ Create Procurement").await, "title");
    assert_says(&chat.say("Мёд").await, "5 to 200");
    chat.say("Алтайский мёд").await;
    assert_says(&chat.say("Коротко").await, "10 to 3000");
    let categories = chat.say("Мёд с пасеки, урожай этого года").await;
    assert_has_button(&categories, &format!("category_{honey}"));
    assert_says(&chat.press("category_999999").await, "No such category");
    chat.press(&format!("category_{honey}")).await;
    assert_says(&chat.say("999").await, "1,000.00");
    chat.say("10000").await;
    assert_says(&chat.say("0").await, "greater than zero");
    chat.say("800,50").await;
    assert_says(&chat.say(&"к".repeat(21)).await, "1 to 20");
    chat.say("кг").await;
    assert_says(&chat.say("Б").await, "2 to 100");
    chat.say("Барнаул").await;
    assert_says(&chat.say("31.02.2030").await, "DD.MM.YYYY");
    assert_says(&chat.say("01.01.2020").await, "after today");
    let stop = chat.say("31.12.2030").await;
    assert_has_button(&stop, "skip");
    assert_says(&chat.say("5000").await, "cannot be below the target");
    let summary = chat.say("20000").await;
    assert_says(&summary, "Check the procurement");
    assert_says(&summary, "Category: Мёд");
    assert_says(&summary, "Stop at: 20,000.00 ₽");
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM procurements WHERE organizer_id = $1")
        .bind(organizer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(none, 0, "nothing is created before the confirmation");

    let created = chat.press("confirm_create").await;
    assert_says(&created, "created successfully");
    let row: (i64, String, String, String, Option<String>, String, Option<i64>, String, String) = sqlx::query_as(
        "SELECT id, title, target_amount::text, price_per_unit::text, stop_at_amount::text, unit, category_id, city,
                to_char(deadline AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD HH24:MI')
         FROM procurements WHERE organizer_id = $1",
    )
    .bind(organizer)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (row.1.as_str(), row.2.as_str(), row.3.as_str(), row.4.as_deref(), row.5.as_str(), row.6, row.7.as_str()),
        ("Алтайский мёд", "10000.00", "800.50", Some("20000.00"), "кг", Some(honey), "Барнаул")
    );
    assert_eq!(row.8, "2030-12-31 23:59");
    assert_eq!(status_of(&app, row.0).await, "draft");
    assert_has_button(&created, &format!("org_publish_{}", row.0));
    chat.press(&format!("org_publish_{}", row.0)).await;
    assert_eq!(status_of(&app, row.0).await, "active");

    // the confirmation can be declined
    chat.say("/create_procurement").await;
    chat.say("Второй мёд").await;
    chat.say("Описание второго мёда").await;
    chat.press("skip").await;
    for answer in ["1000", "10", "л", "Бийск", "01.06.2031"] {
        chat.say(answer).await;
    }
    assert_says(&chat.press("skip").await, "Stop at: no limit");
    assert_says(&chat.press("dismiss").await, "Cancelled");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM procurements WHERE organizer_id = $1")
        .bind(organizer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn balance_transactions_and_deposits() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    let user = chat.register(&app, "Иван", "buyer").await;
    app.fund(user, "150.00").await;
    let balance = chat.say("💰 Баланс").await;
    assert_says(&balance, "Баланс: 150,00 ₽");
    assert_has_button(&balance, "deposit_options");
    assert_says(&chat.say("/transactions").await, "Бонус");
    assert_says(&chat.press("payment_history").await, "+150,00 ₽");

    // a preset amount, then the way to pay; the bank's first deposit needs an INN
    assert_has_button(&chat.say("/deposit").await, "deposit_500");
    let methods = chat.press("deposit_500").await;
    assert_has_button(&methods, "dep_transfer_50000");
    assert_has_button(&methods, "dep_sbp_50000");
    assert_says(&chat.press("dep_transfer_50000").await, "ИНН");
    assert_says(&chat.say("123").await, "12 цифр");
    let inn = workflows::users::inn::with_check_digits(7_707_083_893);
    let requisites = chat.say(&inn).await;
    assert_says(&requisites, "Назначение платежа");
    assert_says(&requisites, "GBD-");
    let page = urls(&requisites);
    assert!(page.iter().any(|u| u.contains("/pay?amount=500.00")), "{page:?}");
    let (payment, status): (i64, String) = sqlx::query_as("SELECT id, status FROM payments WHERE user_id = $1")
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    assert_has_button(&requisites, &format!("check_payment_{payment}"));
    assert_says(&chat.press(&format!("check_payment_{payment}")).await, "обрабатывается");

    // SBP: a QR code from the bank
    let sbp = chat.press("dep_sbp_50000").await;
    assert_says(&sbp, "СБП");
    assert!(!urls(&sbp).is_empty());
    // a custom amount, checked like the dialogue's
    chat.press("deposit_custom").await;
    assert_says(&chat.say("50").await, "Минимальная сумма");
    assert_has_button(&chat.say("1500,50").await, "dep_transfer_150050");
    assert_says(&chat.press("dep_transfer_100").await, "Минимальная сумма");

    // another person's payment is not theirs to see
    let other = private(&bot, Platform::Vk, None);
    other.register(&app, "Пётр", "buyer").await;
    assert_says(&other.press(&format!("check_payment_{payment}")).await, "Платёж не найден");
}

#[tokio::test]
async fn profile_is_shown_and_edited_with_validation() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    let user = chat.register(&app, "Иван Петров", "buyer").await;
    let profile = chat.say("/profile").await;
    assert_says(&profile, "Иван Петров");
    assert_says(&profile, "+79991234567");
    assert_says(&profile, "Покупатель");
    chat.press("edit_phone").await;
    assert_says(&chat.say("12").await, "+79991234567");
    assert_says(&chat.say("+7 (912) 000-11-22").await, "Профиль обновлён");
    chat.press("edit_email").await;
    assert_says(&chat.say("not an email").await, "email");
    chat.say("New@Mail.ru").await;
    chat.press("change_role").await;
    let changed = chat.press("role_organizer").await;
    assert!(keyboard(&changed).is_some());
    let row: (String, String, String) = sqlx::query_as("SELECT phone, email, role FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(row, ("+79120001122".into(), "new@mail.ru".into(), "organizer".into()));
    assert!(text(&chat.say("/start").await).contains("С возвращением"));
    let menu = chat.say("/help").await;
    assert!(keyboard(&menu).unwrap().texts().any(|t| t == "➕ Создать закупку"));
}
