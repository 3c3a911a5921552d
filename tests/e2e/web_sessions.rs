//! Signing in to the web cabinet without passwords: as a Telegram Mini App (initData checked
//! against the bot token) or with a login link; renewing with a rotating refresh token; signing
//! out so the tokens stop working at once.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use workflows::users::mini_app::signed_init_data;

const ANNA: &str =
    r#"{"id":5550001,"first_name":"Анна","last_name":"Петрова","username":"anna_p","language_code":"ru"}"#;

async fn mini_app(app: &TestApp, init_data: &str) -> (StatusCode, Value) {
    send(app.anon(Method::POST, "/api/auth/telegram-webapp/").json(&json!({ "init_data": init_data }))).await
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_mini_app_user_is_signed_in_as_their_telegram_identity() {
    let app = TestApp::spawn().await;
    let (status, session) = mini_app(&app, &signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now() - 30)).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let user = session["user_id"].as_i64().unwrap();
    let token = session["token"].as_str().unwrap();
    assert_eq!(session["refresh_token"].as_str().unwrap().len(), 64);
    let expires: chrono::DateTime<chrono::Utc> = session["expires_at"].as_str().unwrap().parse().unwrap();
    assert!(expires - chrono::Utc::now() <= chrono::Duration::hours(1), "access tokens are short");

    let (status, me) = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!((me["first_name"].as_str(), me["platform"].as_str()), (Some("Анна"), Some("telegram")));
    assert_eq!(me["platform_user_id"], "5550001");

    // The next visit is the same person, not a second account.
    let (status, again) = mini_app(&app, &signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now())).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["user_id"], user);
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM user_identities WHERE platform_user_id = '5550001'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(accounts, 1);
}

#[tokio::test]
async fn forged_foreign_stale_or_malformed_init_data_signs_nobody_in() {
    let app = TestApp::spawn().await;
    let good = signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now());
    let cases = [
        ("another bot's", signed_init_data("999:another-bot", ANNA, now())),
        ("tampered", good.replace("5550001", "5550002")),
        ("stale", signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now() - 25 * 3600)),
        ("unsigned", good.split('&').filter(|kv| !kv.starts_with("hash=")).collect::<Vec<_>>().join("&")),
        ("garbage", "not init data at all".to_string()),
    ];
    for (what, init_data) in cases {
        let r = mini_app(&app, &init_data).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(r.1["error"].as_str().unwrap().contains("Telegram sign-in refused"), "{what}: {}", r.1);
    }
    let r = send(app.anon(Method::POST, "/api/auth/telegram-webapp/").json(&json!({}))).await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&app.pool).await.unwrap();
    assert_eq!(users, 0, "no refusal registered anyone");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    let app = TestApp::spawn().await;
    let (_, first) = mini_app(&app, &signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now())).await;
    let refresh =
        |token: &str| send(app.anon(Method::POST, "/api/auth/refresh/").json(&json!({ "refresh_token": token })));
    let (status, second) = refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["user_id"], first["user_id"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let user = second["user_id"].as_i64().unwrap();
    let (status, _) =
        send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(second["token"].as_str().unwrap()))
            .await;
    assert_eq!(status, StatusCode::OK);

    // The first refresh token again: someone copied it. The whole session ends.
    let r = refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = refresh(second["refresh_token"].as_str().unwrap()).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(second["token"].as_str().unwrap()))
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");

    for bad in [json!({ "refresh_token": "nope" }), json!({ "refresh_token": "0".repeat(64) })] {
        let r = send(app.anon(Method::POST, "/api/auth/refresh/").json(&bad)).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

#[tokio::test]
async fn signing_out_stops_the_access_and_refresh_tokens_at_once() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let code = workflows::users::issue_login_code(&app.pool, user, chrono::Utc::now()).await.unwrap();
    let (status, session) = send(app.anon(Method::POST, "/api/auth/login-link/").json(&json!({ "code": code }))).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let token = session["token"].as_str().unwrap();
    let (status, _) = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = send(app.anon(Method::POST, "/api/auth/logout/").bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(token)).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r =
        send(app.anon(Method::POST, "/api/auth/refresh/").json(&json!({ "refresh_token": session["refresh_token"] })))
            .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");

    // A bot-issued token has no session to end (nothing happens, and it keeps working);
    // anonymous callers get a 401.
    let (status, _) = send(app.as_user(user, Method::POST, "/api/auth/logout/")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(app.as_user(user, Method::GET, &format!("/api/users/{user}/"))).await;
    assert_eq!(status, StatusCode::OK);
    let r = send(app.anon(Method::POST, "/api/auth/logout/")).await;
    assert_eq!(r.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_deactivated_person_cannot_sign_in_or_renew() {
    let app = TestApp::spawn().await;
    let (_, session) = mini_app(&app, &signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now())).await;
    let user = session["user_id"].as_i64().unwrap();
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1").bind(user).execute(&app.pool).await.unwrap();
    let r = mini_app(&app, &signed_init_data(TELEGRAM_BOT_TOKEN, ANNA, now())).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r =
        send(app.anon(Method::POST, "/api/auth/refresh/").json(&json!({ "refresh_token": session["refresh_token"] })))
            .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(session["token"].as_str().unwrap()))
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
}
