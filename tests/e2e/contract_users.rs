//! The users API, operation by operation: `/api/users/…`.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Registers a user with the service key from a full body; returns the 201 body.
async fn register_with(app: &TestApp, body: Value) -> Value {
    let (status, created) = send(app.service(Method::POST, "/api/users/").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&app.pool).await.unwrap()
}

async fn balance(app: &TestApp, user: i64) -> Value {
    let (status, body) = send(app.service(Method::GET, &format!("/api/users/{user}/balance/"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn adjust(app: &TestApp, user: i64, body: Value) -> (StatusCode, Value) {
    send(app.service(Method::POST, &format!("/api/users/{user}/update_balance/")).json(&body)).await
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn register_returns_every_field_normalized() {
    let app = TestApp::spawn().await;
    let created = register_with(
        &app,
        json!({
            "platform": "vk", "platform_user_id": " vk-100 ", "username": "ivan_p", "first_name": "Иван",
            "last_name": "Петров", "phone": "79991234567", "email": "Ivan.Petrov@Example.COM",
            "role": "organizer", "language_code": "EN"
        }),
    )
    .await;
    let expected_keys: BTreeSet<String> = [
        "id",
        "platform",
        "platform_user_id",
        "identities",
        "username",
        "first_name",
        "last_name",
        "full_name",
        "phone",
        "email",
        "role",
        "role_display",
        "balance",
        "language_code",
        "is_active",
        "is_verified",
        "messenger_notifications",
        "created_at",
        "updated_at",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(keys(&created), expected_keys, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert!(id > 0);
    assert_eq!(created["platform"], "vk");
    assert_eq!(created["platform_user_id"], "vk-100");
    assert_eq!(created["identities"], json!([{ "platform": "vk", "platform_user_id": "vk-100" }]));
    assert_eq!(created["username"], "ivan_p");
    assert_eq!(created["first_name"], "Иван");
    assert_eq!(created["last_name"], "Петров");
    assert_eq!(created["full_name"], "Иван Петров");
    assert_eq!(created["phone"], "+79991234567");
    assert_eq!(created["email"], "ivan.petrov@example.com");
    assert_eq!(created["role"], "organizer");
    assert_eq!(created["role_display"], "Organizer");
    assert_eq!(created["balance"], "0.00");
    assert_eq!(created["language_code"], "en");
    assert_eq!(created["is_active"], true);
    assert_eq!(created["is_verified"], false);
    for ts in ["created_at", "updated_at"] {
        let text = created[ts].as_str().unwrap_or_else(|| panic!("{ts}: {created}"));
        chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{ts} {text}: {e}"));
    }

    // The stored row agrees with the response.
    let (phone, email): (String, String) =
        sqlx::query_as("SELECT phone, email FROM users WHERE id = $1").bind(id).fetch_one(&app.pool).await.unwrap();
    assert_eq!((phone.as_str(), email.as_str()), ("+79991234567", "ivan.petrov@example.com"));

    // GET returns the same user.
    let (status, got) = send(app.service(Method::GET, &format!("/api/users/{id}/"))).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got, created);
}

#[tokio::test]
async fn register_defaults_to_a_buyer_with_russian() {
    let app = TestApp::spawn().await;
    let created = register_with(&app, json!({ "platform": "telegram", "platform_user_id": "42" })).await;
    assert_eq!(created["role"], "buyer");
    assert_eq!(created["role_display"], "Buyer");
    assert_eq!(created["language_code"], "ru");
    assert_eq!(created["phone"], "");
    assert_eq!(created["email"], "");
    assert_eq!(created["full_name"], "");
    // A phone that already has its '+' keeps it.
    let plus =
        register_with(&app, json!({ "platform": "telegram", "platform_user_id": "43", "phone": "+380501234567" }))
            .await;
    assert_eq!(plus["phone"], "+380501234567");
}

#[tokio::test]
async fn duplicate_identity_is_a_conflict_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let first =
        register_with(&app, json!({ "platform": "telegram", "platform_user_id": "777", "first_name": "A" })).await;
    let users_before = count(&app, "SELECT count(*) FROM users").await;
    let again = send(app.service(Method::POST, "/api/users/").json(&json!({
        "platform": "telegram", "platform_user_id": "777", "first_name": "B"
    })))
    .await;
    assert_error(&again, StatusCode::CONFLICT, "user_exists");
    // Surrounding spaces do not make a different identity.
    let spaced = send(app.service(Method::POST, "/api/users/").json(&json!({
        "platform": "telegram", "platform_user_id": "  777  "
    })))
    .await;
    assert_error(&spaced, StatusCode::CONFLICT, "user_exists");
    assert_eq!(count(&app, "SELECT count(*) FROM users").await, users_before);
    assert_eq!(count(&app, "SELECT count(*) FROM user_identities").await, 1);

    // The same id on another platform is another person.
    let other = register_with(&app, json!({ "platform": "whatsapp", "platform_user_id": "777" })).await;
    assert_ne!(other["id"], first["id"]);
}

#[tokio::test]
async fn register_needs_the_service_key() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let body = json!({ "platform": "telegram", "platform_user_id": "x1" });
    assert_error(
        &send(app.anon(Method::POST, "/api/users/").json(&body)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(app.as_user(user, Method::POST, "/api/users/").json(&body)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(count(&app, "SELECT count(*) FROM users").await, 1);
}

#[tokio::test]
async fn get_user_auth_rules_and_not_found() {
    let app = TestApp::spawn().await;
    let me = app.register("buyer").await;
    let other = app.register("buyer").await;
    let (status, body) = send(app.as_user(me, Method::GET, &format!("/api/users/{me}"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], me);
    assert_error(
        &send(app.as_user(me, Method::GET, &format!("/api/users/{other}/"))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.anon(Method::GET, &format!("/api/users/{me}/"))).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(&send(app.service(Method::GET, "/api/users/999999/")).await, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn patch_changes_only_what_is_sent() {
    let app = TestApp::spawn().await;
    let created = register_with(
        &app,
        json!({
            "platform": "telegram", "platform_user_id": "p1", "username": "u", "first_name": "Анна",
            "last_name": "Иванова", "phone": "+79990000001", "email": "anna@example.com"
        }),
    )
    .await;
    let id = created["id"].as_i64().unwrap();

    let (status, patched) =
        send(app.service(Method::PATCH, &format!("/api/users/{id}/")).json(&json!({ "first_name": "Аня" }))).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["first_name"], "Аня");
    assert_eq!(patched["full_name"], "Аня Иванова");
    for kept in ["username", "last_name", "phone", "email", "role", "language_code", "platform_user_id", "created_at"] {
        assert_eq!(patched[kept], created[kept], "{kept}");
    }

    // PUT is partial too; it normalizes like registration does, and the user may edit themselves.
    let (status, put) = send(
        app.as_user(id, Method::PUT, &format!("/api/users/{id}/"))
            .json(&json!({ "email": "ANNA@NEW.RU", "phone": "79990000002", "role": "organizer" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{put}");
    assert_eq!(put["email"], "anna@new.ru");
    assert_eq!(put["phone"], "+79990000002");
    assert_eq!(put["role"], "organizer");
    assert_eq!(put["first_name"], "Аня");
    assert_eq!(put["last_name"], "Иванова");

    // The change is stored.
    let (status, got) = send(app.service(Method::GET, &format!("/api/users/{id}/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["email"], "anna@new.ru");
    assert_eq!(got["first_name"], "Аня");

    // An invalid phone changes nothing.
    let bad = send(
        app.service(Method::PATCH, &format!("/api/users/{id}/")).json(&json!({ "phone": "12", "first_name": "X" })),
    )
    .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "validation_error");
    let bad_email =
        send(app.service(Method::PATCH, &format!("/api/users/{id}/")).json(&json!({ "email": "not-an-email" }))).await;
    assert_error(&bad_email, StatusCode::BAD_REQUEST, "validation_error");
    let (_, got) = send(app.service(Method::GET, &format!("/api/users/{id}/"))).await;
    assert_eq!(got["first_name"], "Аня");
    assert_eq!(got["phone"], "+79990000002");

    // Someone else may not edit this user; an unknown user is a 404.
    let stranger = app.register("buyer").await;
    assert_error(
        &send(app.as_user(stranger, Method::PATCH, &format!("/api/users/{id}/")).json(&json!({ "first_name": "Z" })))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.service(Method::PATCH, "/api/users/999999/").json(&json!({ "first_name": "Z" }))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn by_platform_and_check_exists() {
    let app = TestApp::spawn().await;
    let tg = register_with(&app, json!({ "platform": "telegram", "platform_user_id": "tg-5" })).await;
    let vk = register_with(&app, json!({ "platform": "vk", "platform_user_id": "vk-5" })).await;

    let (status, found) =
        send(app.service(Method::GET, "/api/users/by_platform/?platform=vk&platform_user_id=vk-5")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["id"], vk["id"]);
    // `platform` defaults to telegram.
    let (status, found) = send(app.service(Method::GET, "/api/users/by_platform/?platform_user_id=tg-5")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["id"], tg["id"]);
    // The platform is part of the identity.
    assert_error(
        &send(app.service(Method::GET, "/api/users/by_platform/?platform=telegram&platform_user_id=vk-5")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(app.service(Method::GET, "/api/users/by_platform/?platform=telegram")).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    assert_error(
        &send(app.service(Method::GET, "/api/users/by_platform/?platform_user_id=%20%20")).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );

    let exists = |q: &'static str| {
        let app = &app;
        async move {
            let (status, body) = send(app.service(Method::GET, &format!("/api/users/check_exists/{q}"))).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    assert_eq!(exists("?platform=vk&platform_user_id=vk-5").await, json!({ "exists": true }));
    assert_eq!(exists("?platform_user_id=tg-5").await, json!({ "exists": true }));
    assert_eq!(exists("?platform=whatsapp&platform_user_id=tg-5").await, json!({ "exists": false }));
    assert_eq!(exists("?platform_user_id=nobody").await, json!({ "exists": false }));
    assert_error(
        &send(app.service(Method::GET, "/api/users/check_exists/")).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    // Both need the service key.
    let me = tg["id"].as_i64().unwrap();
    assert_error(
        &send(app.as_user(me, Method::GET, "/api/users/check_exists/?platform_user_id=tg-5")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.anon(Method::GET, "/api/users/by_platform/?platform_user_id=tg-5")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn balance_reports_totals_by_kind() {
    use workflows::ledger::{self, Account, Movement, TransactionType};
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    assert_eq!(
        balance(&app, user).await,
        json!({ "balance": "0.00", "total_deposited": "0.00", "total_spent": "0.00", "available": "0.00" })
    );

    app.fund(user, "1000.00").await;
    // A real deposit (what a payment webhook posts), made directly on the ledger.
    let deposit = Movement::transfer(
        "test:deposit:1",
        TransactionType::Deposit,
        Account::BankClearing,
        Account::UserBalance(user),
        "500.25".parse().unwrap(),
    );
    let mut conn = app.pool.acquire().await.unwrap();
    ledger::post(&mut conn, &deposit).await.unwrap();
    let (status, body) = adjust(&app, user, json!({ "amount": "-200.00" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Bonuses are neither deposits nor spending; the debit is a withdrawal.
    assert_eq!(
        balance(&app, user).await,
        json!({ "balance": "1300.25", "total_deposited": "500.25", "total_spent": "200.00", "available": "1300.25" })
    );
    // The user record shows the same balance.
    let (_, got) = send(app.service(Method::GET, &format!("/api/users/{user}/"))).await;
    assert_eq!(got["balance"], "1300.25");
    // The user may read their own balance, nobody else's.
    let (status, own) = send(app.as_user(user, Method::GET, &format!("/api/users/{user}/balance/"))).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["balance"], "1300.25");
    let other = app.register("buyer").await;
    assert_error(
        &send(app.as_user(other, Method::GET, &format!("/api/users/{user}/balance/"))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.service(Method::GET, "/api/users/999999/balance/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn role_of_a_user() {
    let app = TestApp::spawn().await;
    for (role, display) in [("buyer", "Buyer"), ("organizer", "Organizer"), ("supplier", "Supplier")] {
        let id = app.register(role).await;
        let (status, body) = send(app.service(Method::GET, &format!("/api/users/{id}/role/"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "role": role, "role_display": display }));
        let (status, own) = send(app.as_user(id, Method::GET, &format!("/api/users/{id}/role"))).await;
        assert_eq!((status, own["role"].as_str()), (StatusCode::OK, Some(role)));
    }
    assert_error(&send(app.service(Method::GET, "/api/users/999999/role/")).await, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn link_platform_adds_a_second_identity() {
    let app = TestApp::spawn().await;
    let person =
        register_with(&app, json!({ "platform": "telegram", "platform_user_id": "tg-1", "first_name": "Олег" })).await;
    let id = person["id"].as_i64().unwrap();
    let someone = register_with(&app, json!({ "platform": "whatsapp", "platform_user_id": "wa-2" })).await;

    let (status, linked) = send(
        app.service(Method::POST, &format!("/api/users/{id}/link_platform/"))
            .json(&json!({ "platform": "whatsapp", "platform_user_id": "wa-1" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    assert_eq!(linked["id"], id);
    assert_eq!(
        linked["identities"],
        json!([
            { "platform": "telegram", "platform_user_id": "tg-1" },
            { "platform": "whatsapp", "platform_user_id": "wa-1" }
        ])
    );
    // The registering identity stays the primary one.
    assert_eq!((linked["platform"].as_str(), linked["platform_user_id"].as_str()), (Some("telegram"), Some("tg-1")));

    // Either identity finds the same person.
    let (status, found) =
        send(app.service(Method::GET, "/api/users/by_platform/?platform=whatsapp&platform_user_id=wa-1")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["id"], id);
    assert_eq!(found["first_name"], "Олег");

    // An identity that belongs to someone else cannot be taken.
    let taken = send(
        app.service(Method::POST, &format!("/api/users/{id}/link_platform/"))
            .json(&json!({ "platform": "whatsapp", "platform_user_id": "wa-2" })),
    )
    .await;
    assert_error(&taken, StatusCode::CONFLICT, "user_exists");
    // A second account on a messenger the person already uses is refused too.
    let second_tg = send(
        app.service(Method::POST, &format!("/api/users/{id}/link_platform/"))
            .json(&json!({ "platform": "telegram", "platform_user_id": "tg-other" })),
    )
    .await;
    assert_error(&second_tg, StatusCode::CONFLICT, "platform_already_linked");
    let (_, found) =
        send(app.service(Method::GET, "/api/users/by_platform/?platform=whatsapp&platform_user_id=wa-2")).await;
    assert_eq!(found["id"], someone["id"]);
    assert_eq!(count(&app, "SELECT count(*) FROM user_identities").await, 3);

    // Service key only; unknown users are 404.
    assert_error(
        &send(
            app.as_user(id, Method::POST, &format!("/api/users/{id}/link_platform/"))
                .json(&json!({ "platform": "vk", "platform_user_id": "vk-1" })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(
            app.service(Method::POST, "/api/users/999999/link_platform/")
                .json(&json!({ "platform": "vk", "platform_user_id": "vk-1" })),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(count(&app, "SELECT count(*) FROM user_identities").await, 3);
}

#[tokio::test]
async fn update_balance_credits_debits_and_refuses_overdraft() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;

    let (status, up) = adjust(&app, user, json!({ "amount": "250.00", "description": "Бонус" })).await;
    assert_eq!(status, StatusCode::OK, "{up}");
    assert_eq!(up, json!({ "old_balance": "0.00", "new_balance": "250.00", "amount": "250.00" }));

    let (status, down) = adjust(&app, user, json!({ "amount": "-100.5" })).await;
    assert_eq!(status, StatusCode::OK, "{down}");
    assert_eq!(down, json!({ "old_balance": "250.00", "new_balance": "149.50", "amount": "-100.50" }));

    let transactions = count(&app, "SELECT count(*) FROM ledger_transactions").await;
    let overdraft = adjust(&app, user, json!({ "amount": "-149.51" })).await;
    assert_error(&overdraft, StatusCode::CONFLICT, "insufficient_funds");
    assert_eq!(balance(&app, user).await["balance"], "149.50");
    assert_eq!(count(&app, "SELECT count(*) FROM ledger_transactions").await, transactions);

    // Exactly everything may be taken.
    let (status, all) = adjust(&app, user, json!({ "amount": "-149.50" })).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["new_balance"], "0.00");

    // A debit on a user who never had money is refused the same way.
    let empty = app.register("buyer").await;
    assert_error(&adjust(&app, empty, json!({ "amount": "-1" })).await, StatusCode::CONFLICT, "insufficient_funds");
    assert_eq!(balance(&app, empty).await["balance"], "0.00");

    // The movements are visible as transactions of the right kinds.
    let (status, list) = send(app.service(Method::GET, &format!("/api/payments/transactions/?user_id={user}"))).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let kinds: Vec<(&str, &str)> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["transaction_type"].as_str().unwrap(), t["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, vec![("withdrawal", "-149.50"), ("withdrawal", "-100.50"), ("bonus", "250.00")]);
    assert_eq!(list["results"][2]["description"], "Бонус");
    assert_eq!(list["results"][1]["description"], "Корректировка баланса");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn update_balance_is_idempotent_per_key() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let body = json!({ "amount": "100.00", "idempotency_key": "retry-1" });
    let (status, first) = adjust(&app, user, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["new_balance"], "100.00");
    let (status, second) = adjust(&app, user, body).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!((second["old_balance"].as_str(), second["new_balance"].as_str()), (Some("100.00"), Some("100.00")));
    assert_eq!(balance(&app, user).await["balance"], "100.00");
    assert_eq!(count(&app, "SELECT count(*) FROM ledger_transactions").await, 1);

    // The key is per user: another user's same key moves their money.
    let other = app.register("buyer").await;
    let (status, _) = adjust(&app, other, json!({ "amount": "100.00", "idempotency_key": "retry-1" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(balance(&app, other).await["balance"], "100.00");
    // Without a key, each request is its own movement.
    for _ in 0..2 {
        let (status, _) = adjust(&app, user, json!({ "amount": "1.00" })).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(balance(&app, user).await["balance"], "102.00");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn update_balance_refusals() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    assert_error(&adjust(&app, user, json!({ "amount": "0" })).await, StatusCode::BAD_REQUEST, "validation_error");
    assert_error(&adjust(&app, 999_999, json!({ "amount": "10" })).await, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &send(
            app.as_user(user, Method::POST, &format!("/api/users/{user}/update_balance/"))
                .json(&json!({ "amount": "10" })),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(count(&app, "SELECT count(*) FROM ledger_transactions").await, 0);
    // Registration opened the balance account; nothing moved on it.
    assert_eq!(count(&app, "SELECT count(*) FROM ledger_accounts WHERE balance <> 0 OR debited <> 0").await, 0);
}

#[tokio::test]
async fn list_users_with_filters_and_pages() {
    let app = TestApp::spawn().await;
    let svetlana = register_with(
        &app,
        json!({ "platform": "vk", "platform_user_id": "vk-s", "first_name": "Светлана", "last_name": "Орлова",
                "role": "organizer", "email": "sveta@example.com" }),
    )
    .await;
    let boris = register_with(
        &app,
        json!({ "platform": "telegram", "platform_user_id": "tg-b", "first_name": "Борис", "username": "boris",
                "role": "supplier" }),
    )
    .await;
    for i in 0..21 {
        register_with(
            &app,
            json!({ "platform": "telegram", "platform_user_id": format!("bulk-{i}"), "first_name": "Покупатель" }),
        )
        .await;
    }
    // Boris also reaches us from VK.
    let (status, _) = send(
        app.service(Method::POST, &format!("/api/users/{}/link_platform/", boris["id"]))
            .json(&json!({ "platform": "vk", "platform_user_id": "vk-b" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let list = |q: String| {
        let app = &app;
        async move {
            let (status, body) = send(app.service(Method::GET, &format!("/api/users/{q}"))).await;
            assert_eq!(status, StatusCode::OK, "{q}: {body}");
            body
        }
    };
    let ids = |body: &Value| -> Vec<i64> {
        body["results"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect()
    };

    let all = list(String::new()).await;
    assert_eq!(all["count"], 23);
    assert_eq!(all["results"].as_array().unwrap().len(), 20);
    assert_eq!(all["previous"], Value::Null);
    assert_eq!(all["next"], format!("{}/api/users/?page=2", app.base));
    let page2 = list("?page=2".into()).await;
    assert_eq!(page2["count"], 23);
    assert_eq!(page2["results"].as_array().unwrap().len(), 3);
    assert_eq!(page2["next"], Value::Null);
    assert_eq!(page2["previous"], format!("{}/api/users/", app.base));
    let mut seen = ids(&all);
    seen.extend(ids(&page2));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "ordered by id, no repeats across pages");
    assert_error(&send(app.service(Method::GET, "/api/users/?page=3")).await, StatusCode::NOT_FOUND, "invalid_page");

    let organizers = list("?role=organizer".into()).await;
    assert_eq!((organizers["count"].as_i64(), ids(&organizers)), (Some(1), vec![svetlana["id"].as_i64().unwrap()]));
    let suppliers = list("?role=supplier".into()).await;
    assert_eq!(ids(&suppliers), vec![boris["id"].as_i64().unwrap()]);
    assert_eq!(list("?role=buyer".into()).await["count"], 21);
    // Platform matches any linked identity.
    let on_vk = list("?platform=vk".into()).await;
    assert_eq!(ids(&on_vk), vec![svetlana["id"].as_i64().unwrap(), boris["id"].as_i64().unwrap()]);
    assert_eq!(list("?platform=whatsapp".into()).await["count"], 0);
    // Search: names (any case, Cyrillic too), username, email, platform ids.
    for q in [
        "%D1%81%D0%B2%D0%B5%D1%82",       /* свет */
        "%D0%9E%D0%A0%D0%9B%D0%9E%D0%92", /* ОРЛОВ */
        "SVETA@",
        "vk-s",
    ] {
        let found = list(format!("?search={q}")).await;
        assert_eq!(ids(&found), vec![svetlana["id"].as_i64().unwrap()], "{q}");
    }
    assert_eq!(ids(&list("?search=BORIS".into()).await), vec![boris["id"].as_i64().unwrap()]);
    let bulk = list("?search=bulk-1".into()).await;
    assert_eq!(bulk["count"], 11, "bulk-1 and bulk-10..bulk-19");
    // Filters combine, and keep themselves in the page links.
    let combined = list("?role=buyer&platform=telegram".into()).await;
    assert_eq!(combined["count"], 21);
    assert_eq!(combined["next"], format!("{}/api/users/?role=buyer&platform=telegram&page=2", app.base));
    assert_eq!(list("?role=organizer&platform=telegram".into()).await["count"], 0);
    // Links keep the path as the client wrote it, with or without the trailing slash.
    let (status, bare) = send(app.service(Method::GET, "/api/users?role=buyer")).await;
    assert_eq!(status, StatusCode::OK, "{bare}");
    assert_eq!(bare["next"], format!("{}/api/users?role=buyer&page=2", app.base));
    // An empty result is a valid first page.
    let none = list("?search=nobody-at-all".into()).await;
    assert_eq!(none, json!({ "count": 0, "next": null, "previous": null, "results": [] }));

    // Service key only.
    let me = boris["id"].as_i64().unwrap();
    assert_error(&send(app.as_user(me, Method::GET, "/api/users/")).await, StatusCode::FORBIDDEN, "forbidden");
    assert_error(&send(app.anon(Method::GET, "/api/users/")).await, StatusCode::UNAUTHORIZED, "unauthorized");
}
