//! Notifications and chats in the bot, and the one-time login link into the web chat.

use crate::bot_harness::*;
use crate::support::{TestApp, send};
use bots::runtime::Platform;
use reqwest::{Method, StatusCode};
use serde_json::json;
use workflows::Actor;
use workflows::notify::{self, NewNotification, NotificationType};

#[tokio::test]
async fn notifications_are_listed_and_really_marked_read() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, None);
    let user = chat.register(&app, "Иван", "buyer").await;
    assert_says(&chat.say("/notifications").await, "Уведомлений нет");
    for title in ["Первое", "Второе"] {
        let new = NewNotification {
            user_id: user,
            notification_type: NotificationType::System,
            title: title.into(),
            message: format!("{title} сообщение"),
            procurement_id: None,
        };
        notify::send(&app.pool, Actor::System, new).await.unwrap();
    }
    let listed = chat.say("/notifications").await;
    assert_says(&listed, "непрочитанных: 2");
    assert_says(&listed, "Второе сообщение");
    assert_has_button(&listed, "notifications_mark_read");
    let marked = chat.press("notifications_mark_read").await;
    assert_eq!(marked.ack.as_ref().unwrap().notice.as_deref(), Some("Отмечено прочитанными: 2."));
    assert_says(&marked, "непрочитанных: 0");
    assert_eq!(notify::unread_count(&app.pool, user).await.unwrap(), 0);
}

#[tokio::test]
async fn chats_show_unread_counts_and_a_login_link_that_works_once() {
    let app = TestApp::spawn().await;
    let bot = engine(&app, &namespace()).await;
    let chat = private(&bot, Platform::Telegram, Some("en"));
    let buyer = chat.register(&app, "Anna", "buyer").await;
    assert_says(&chat.say("/chat").await, "no chats yet");

    let (procurement, organizer) = app.active(json!({ "title": "Honey" })).await;
    let (status, body) = app.join(procurement, buyer, "1").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for text in ["hello", "welcome"] {
        let new = workflows::chat::NewMessage {
            procurement_id: procurement,
            user_id: organizer,
            text: text.into(),
            message_type: workflows::chat::MessageType::Text,
            attachment_url: String::new(),
        };
        workflows::chat::post_message(&app.pool, &workflows::chat::NoFeed, Actor::User(organizer), new).await.unwrap();
    }
    let chats = chat.say("💬 Chats").await;
    assert_says(&chats, "Honey — 2 unread");
    assert_has_button(&chats, &format!("enter_chat_{procurement}"));
    let room = chat.press(&format!("enter_chat_{procurement}")).await;
    assert_says(&room, "Unread messages: 2");

    let link = urls(&chats).into_iter().next().expect("a login link");
    let code = link.strip_prefix(&format!("{WEB_BASE}/login?code=")).expect(&link).to_string();
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT code_hash FROM login_links WHERE user_id = $1 ORDER BY id LIMIT 1")
            .bind(buyer)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_ne!(stored, code.as_bytes(), "the code is stored hashed");

    let (status, token) = send(app.anon(Method::POST, "/api/auth/login-link/").json(&json!({ "code": code }))).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["user_id"], buyer);
    let jwt = token["token"].as_str().unwrap();
    let (status, me) = send(app.anon(Method::GET, &format!("/api/users/{buyer}/")).bearer_auth(jwt)).await;
    assert_eq!(status, StatusCode::OK, "{me}");

    // once only; unknown and malformed codes alike are refused
    for bad in [code.as_str(), &"a".repeat(64), "short", ""] {
        let (status, body) = send(app.anon(Method::POST, "/api/auth/login-link/").json(&json!({ "code": bad }))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}: {body}");
        assert_eq!(body["code"], "unauthorized");
    }
    let (status, _) = send(app.anon(Method::POST, "/api/auth/login-link/").json(&json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_expired_login_link_is_refused() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(16);
    let code = workflows::users::issue_login_code(&app.pool, user, long_ago).await.unwrap();
    let (status, _) = send(app.anon(Method::POST, "/api/auth/login-link/").json(&json!({ "code": code }))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let fresh = workflows::users::issue_login_code(&app.pool, user, chrono::Utc::now()).await.unwrap();
    assert_eq!(workflows::users::redeem_login_code(&app.pool, &fresh, chrono::Utc::now()).await.unwrap(), user);
    assert!(workflows::users::redeem_login_code(&app.pool, &fresh, chrono::Utc::now()).await.is_err());
}
