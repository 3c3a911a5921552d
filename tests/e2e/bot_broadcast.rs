//! `/broadcast` in the bot and the profile's switch for notifications in the messenger.

use crate::bot_harness::*;
use crate::support::TestApp;
use bots::runtime::Platform;
use workflows::Actor;
use workflows::broadcast::{self, BroadcastStatus};
use workflows::page::PageRequest;

#[tokio::test]
async fn an_organizer_broadcasts_to_a_channel_after_confirming() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    let organizer = chat.register(&app, "Ольга", "organizer").await;

    assert_says(&chat.say("/broadcast").await, "Куда отправить рассылку?");
    assert_says(&chat.say("канал без собаки").await, "Не понял адресата");
    assert_says(&chat.say("@farm_news").await, "Пришлите текст рассылки");
    assert_says(&chat.say("   ").await, "Текст пустой");
    let summary = chat.say("Мёд приехал, забирайте!").await;
    assert_says(&summary, "@farm_news");
    assert_has_button(&summary, "confirm_broadcast");
    // nothing is written before the confirmation
    assert!(broadcast::list(&app.pool, Actor::System, PageRequest::new(None)).await.unwrap().results.is_empty());

    let sent = chat.press("confirm_broadcast").await;
    assert_says(&sent, "запущена");
    let all = broadcast::list(&app.pool, Actor::System, PageRequest::new(None)).await.unwrap().results;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].author_id, Some(organizer));
    assert_eq!(all[0].text, "Мёд приехал, забирайте!");
    assert_eq!(all[0].status, BroadcastStatus::Queued);
    // the confirmation button is spent: a second press sends nothing more
    chat.press("confirm_broadcast").await;
    assert_eq!(broadcast::list(&app.pool, Actor::System, PageRequest::new(None)).await.unwrap().results.len(), 1);
}

#[tokio::test]
async fn the_one_line_form_and_who_may_broadcast() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let organizer = private(&bot, Platform::Telegram, Some("en"));
    organizer.register(&app, "Olga", "organizer").await;
    let summary = organizer.say("/broadcast -1001234567890 Pickup moved to Friday").await;
    assert_says(&summary, "-1001234567890");
    assert_says(&summary, "Pickup moved to Friday");
    // "all users" is staff's only: the use case refuses, the bot says so and writes nothing
    organizer.say("/cancel").await;
    organizer.say("/broadcast all Hello everyone").await;
    let refused = organizer.press("confirm_broadcast").await;
    assert!(!text(&refused).contains("started"), "{}", text(&refused));
    assert!(broadcast::list(&app.pool, Actor::System, PageRequest::new(None)).await.unwrap().results.is_empty());

    let buyer = private(&bot, Platform::Vk, None);
    buyer.register(&app, "Иван", "buyer").await;
    assert_says(&buyer.say("/broadcast").await, "организаторам и сотрудникам");
}

#[tokio::test]
async fn the_profile_switches_messenger_notifications_off_and_on() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    let user = chat.register(&app, "Иван", "buyer").await;
    let profile = chat.say("/profile").await;
    assert_says(&profile, "Уведомления в мессенджере: включены");
    assert_has_button(&profile, "toggle_messenger_notifications");

    assert_says(&chat.press("toggle_messenger_notifications").await, "выключены");
    let stored = workflows::users::get(&mut app.pool.acquire().await.unwrap(), user).await.unwrap();
    assert!(!stored.messenger_notifications);
    assert_says(&chat.press("toggle_messenger_notifications").await, "включены");
    let stored = workflows::users::get(&mut app.pool.acquire().await.unwrap(), user).await.unwrap();
    assert!(stored.messenger_notifications);
}
