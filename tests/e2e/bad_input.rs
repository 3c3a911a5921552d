//! Bad input on the write endpoints: every refusal is a 4xx JSON `{"error", "code"}`, never a
//! 500, and leaves the database exactly as it was.

use crate::support::*;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Tables whose contents a refused request must not touch.
const TABLES: [&str; 11] = [
    "users",
    "user_identities",
    "categories",
    "procurements",
    "participants",
    "payments",
    "ledger_accounts",
    "ledger_transactions",
    "ledger_entries",
    "event_log",
    "outbox",
];

/// Each table's row count and a digest of its rows.
async fn snapshot(app: &TestApp) -> Vec<(&'static str, i64, String)> {
    let mut state = Vec::new();
    for table in TABLES {
        let (rows, digest): (i64, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT count(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t"
        )))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        state.push((table, rows, digest));
    }
    state
}

/// Sends `request`, expects the given 4xx error, and checks that nothing changed.
#[track_caller]
fn refused<'a>(
    app: &'a TestApp,
    request: RequestBuilder,
    status: StatusCode,
    code: &'a str,
) -> impl std::future::Future<Output = ()> + 'a {
    let caller = std::panic::Location::caller();
    async move {
        assert!(status.is_client_error());
        let before = snapshot(app).await;
        let description = format!("{request:?}");
        let response = send(request).await;
        assert!(response.0.is_client_error(), "{caller}: {description}: {} {}", response.0, response.1);
        let (got, body) = &response;
        assert_eq!((*got, body["code"].as_str()), (status, Some(code)), "{caller}: {description}: {body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{caller}: {body}");
        assert_eq!(snapshot(app).await, before, "{caller}: {description} changed the database");
    }
}

struct Fixture {
    app: TestApp,
    organizer: i64,
    buyer: i64,
    draft: i64,
    active: i64,
    participant: i64,
    category: i64,
}

/// A little of everything: users with money, a draft, an active procurement with an order.
async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let buyer = app.register("buyer").await;
    app.fund(buyer, "500").await;
    let (status, cat) =
        send(app.service(Method::POST, "/api/procurements/categories/").json(&json!({ "name": "Еда" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{cat}");
    let draft = app.draft(organizer, json!({ "category": cat["id"] })).await;
    let active = app.draft(organizer, json!({ "stop_at_amount": "5000" })).await;
    app.set_status(active, "active").await;
    let (status, joined) = app.join(active, buyer, "2").await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    Fixture {
        organizer,
        buyer,
        draft,
        active,
        participant: joined["id"].as_i64().unwrap(),
        category: cat["id"].as_i64().unwrap(),
        app,
    }
}

fn deadline(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

fn procurement_body(organizer: i64, extra: Value) -> Value {
    let mut body = json!({
        "title": "Мёд", "description": "Алтайский", "organizer": organizer, "city": "Москва",
        "target_amount": "1000", "price_per_unit": "100", "deadline": deadline(5),
    });
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            body.as_object_mut().unwrap().remove(k);
        } else {
            body[k] = v.clone();
        }
    }
    body
}

fn raw_json(request: RequestBuilder, text: &str) -> RequestBuilder {
    request.header("content-type", "application/json").body(text.to_string())
}

/// The write endpoints used across the tests, as (method, path).
fn write_endpoints(f: &Fixture) -> Vec<(Method, String)> {
    vec![
        (Method::POST, "/api/users/".into()),
        (Method::PATCH, format!("/api/users/{}/", f.buyer)),
        (Method::PUT, format!("/api/users/{}/", f.buyer)),
        (Method::POST, format!("/api/users/{}/update_balance/", f.buyer)),
        (Method::POST, format!("/api/users/{}/link_platform/", f.buyer)),
        (Method::POST, "/api/procurements/".into()),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft)),
        (Method::PUT, format!("/api/procurements/{}/", f.draft)),
        (Method::POST, format!("/api/procurements/{}/join/", f.active)),
        (Method::POST, format!("/api/procurements/{}/leave/", f.active)),
        (Method::POST, format!("/api/procurements/{}/check_access/", f.active)),
        (Method::POST, format!("/api/procurements/{}/update_status/", f.active)),
        (Method::POST, format!("/api/procurements/participants/{}/update_status/", f.participant)),
        (Method::POST, "/api/procurements/categories/".into()),
        (Method::PATCH, format!("/api/procurements/categories/{}/", f.category)),
        (Method::POST, "/api/auth/token/".into()),
    ]
}

#[tokio::test]
async fn malformed_json_is_a_bad_request_everywhere() {
    let f = fixture().await;
    let app = &f.app;
    for (method, path) in write_endpoints(&f) {
        for text in ["{\"title\": ", "not json", "{\"a\":1}}", "", "[1, 2]", "null", "\"text\""] {
            refused(app, raw_json(app.service(method.clone(), &path), text), StatusCode::BAD_REQUEST, "bad_request")
                .await;
        }
    }
}

#[tokio::test]
async fn wrong_types_are_bad_requests() {
    let f = fixture().await;
    let app = &f.app;
    let cases = [
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "target_amount": true })),
        ),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "organizer": "abc" }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "title": { "ru": "Мёд" } })),
        ),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "category": "food" }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "deadline": 1700000000 })),
        ),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "price_per_unit": [100] })),
        ),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "is_featured": "yes" })),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "target_amount": { "value": 1 } })),
        (Method::POST, format!("/api/procurements/{}/join/", f.active), json!({ "user_id": "me" })),
        (Method::POST, format!("/api/procurements/{}/join/", f.active), json!({ "user_id": 1.5 })),
        (Method::POST, format!("/api/procurements/{}/join/", f.active), json!({ "user_id": f.buyer, "quantity": [] })),
        (Method::POST, format!("/api/procurements/{}/leave/", f.active), json!({ "user_id": null })),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": "telegram", "platform_user_id": [123] })),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": 1, "platform_user_id": "x" })),
        (Method::PATCH, format!("/api/users/{}/", f.buyer), json!({ "first_name": ["Иван"] })),
        (Method::POST, format!("/api/users/{}/update_balance/", f.buyer), json!({ "amount": true })),
        (
            Method::POST,
            format!("/api/users/{}/update_balance/", f.buyer),
            json!({ "amount": "10", "idempotency_key": { "k": 7 } }),
        ),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "X", "parent": "root" })),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "X", "is_active": "no" })),
        (Method::POST, "/api/auth/token/".to_string(), json!({ "user_id": "1" })),
    ];
    for (method, path, body) in cases {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "bad_request").await;
    }
    // Path and query parameters of the wrong type.
    for path in [
        "/api/users/abc/",
        "/api/procurements/1.5/",
        "/api/procurements/?page=abc",
        "/api/procurements/?category=x",
        "/api/procurements/?active_only=maybe",
        "/api/users/?page=1e3",
        "/api/users/99999999999999999999/",
    ] {
        refused(app, app.service(Method::GET, path), StatusCode::BAD_REQUEST, "bad_request").await;
    }
    refused(
        app,
        app.service(Method::POST, "/api/procurements/abc/join/").json(&json!({ "user_id": f.buyer })),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn unknown_enum_values_are_bad_requests() {
    let f = fixture().await;
    let app = &f.app;
    let cases = [
        (Method::POST, format!("/api/procurements/{}/update_status/", f.active), json!({ "status": "bogus" })),
        (Method::POST, format!("/api/procurements/{}/update_status/", f.active), json!({ "status": "ACTIVE" })),
        (Method::POST, format!("/api/procurements/{}/update_status/", f.active), json!({ "status": "" })),
        (
            Method::POST,
            format!("/api/procurements/participants/{}/update_status/", f.participant),
            json!({ "status": "bogus" }),
        ),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "telegram", "platform_user_id": "n1", "role": "admin" }),
        ),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": "icq", "platform_user_id": "n1" })),
        (Method::PATCH, format!("/api/users/{}/", f.buyer), json!({ "role": "admin" })),
        (Method::PUT, format!("/api/users/{}/", f.buyer), json!({ "role": "staff" })),
        (
            Method::POST,
            format!("/api/users/{}/link_platform/", f.buyer),
            json!({ "platform": "icq", "platform_user_id": "1" }),
        ),
    ];
    for (method, path, body) in cases {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "bad_request").await;
    }
    for path in [
        "/api/procurements/?status=bogus",
        "/api/users/?role=admin",
        "/api/users/?platform=icq",
        "/api/users/by_platform/?platform=icq&platform_user_id=1",
        "/api/users/check_exists/?platform=icq&platform_user_id=1",
        "/api/procurements/participants/?status=bogus",
        "/api/payments/transactions/?transaction_type=gift",
    ] {
        refused(app, app.service(Method::GET, path), StatusCode::BAD_REQUEST, "bad_request").await;
    }
    assert_eq!(app.procurement(f.active).await["status"], "active");
}

#[tokio::test]
async fn unknown_ids_are_not_found_or_invalid_references() {
    let f = fixture().await;
    let app = &f.app;
    let not_found = [
        (Method::PATCH, "/api/users/999999/".to_string(), json!({ "first_name": "X" })),
        (Method::POST, "/api/users/999999/update_balance/".to_string(), json!({ "amount": "10" })),
        (
            Method::POST,
            "/api/users/999999/link_platform/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "1" }),
        ),
        (Method::PATCH, "/api/procurements/999999/".to_string(), json!({ "title": "X" })),
        (Method::POST, "/api/procurements/999999/join/".to_string(), json!({ "user_id": f.buyer })),
        (Method::POST, format!("/api/procurements/{}/join/", f.active), json!({ "user_id": 999999 })),
        (Method::POST, "/api/procurements/999999/leave/".to_string(), json!({ "user_id": f.buyer })),
        (Method::POST, "/api/procurements/999999/update_status/".to_string(), json!({ "status": "active" })),
        (Method::POST, "/api/procurements/999999/check_access/".to_string(), json!({ "user_id": f.buyer })),
        (
            Method::POST,
            "/api/procurements/participants/999999/update_status/".to_string(),
            json!({ "status": "confirmed" }),
        ),
        (Method::PATCH, "/api/procurements/categories/999999/".to_string(), json!({ "name": "X" })),
        (Method::POST, "/api/auth/token/".to_string(), json!({ "user_id": 999999 })),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(999999, json!({}))),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(-1, json!({}))),
    ];
    for (method, path, body) in not_found {
        refused(app, app.service(method, &path).json(&body), StatusCode::NOT_FOUND, "not_found").await;
    }
    refused(
        app,
        app.service(Method::DELETE, "/api/procurements/categories/999999/"),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Pages far past the end (no overflow on the way).
    for path in [
        "/api/procurements/?page=9223372036854775807",
        "/api/users/?page=9223372036854775807",
        "/api/procurements/participants/?page=461168601842738791",
        "/api/payments/transactions/?page=9223372036854775807",
    ] {
        refused(app, app.service(Method::GET, path), StatusCode::NOT_FOUND, "invalid_page").await;
    }
    // References inside a body to things that do not exist are invalid input.
    let invalid = [
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "category": 999999 }))),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "supplier": 999999 }))),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "category": 999999 })),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "X", "parent": 999999 })),
        (Method::PATCH, format!("/api/procurements/categories/{}/", f.category), json!({ "parent": 999999 })),
    ];
    for (method, path, body) in invalid {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "validation_error").await;
    }
}

#[tokio::test]
async fn oversized_strings_are_refused() {
    let f = fixture().await;
    let app = &f.app;
    let long = |n: usize| "я".repeat(n);
    let too_long = [
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "title": long(201) }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "description": long(10_001) })),
        ),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "city": long(101) }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "delivery_address": long(1001) })),
        ),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "unit": long(21) }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "image_url": format!("https://e.com/{}", "a".repeat(500)) })),
        ),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "title": long(201) })),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "description": long(10_001) })),
        (
            Method::POST,
            format!("/api/procurements/{}/join/", f.active),
            json!({ "user_id": f.buyer, "notes": long(1001) }),
        ),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": "vk", "platform_user_id": "a".repeat(101) })),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "1", "first_name": long(101) }),
        ),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "1", "phone": "1".repeat(21) }),
        ),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "1", "email": format!("{}@e.ru", "a".repeat(250)) }),
        ),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "1", "language_code": "a".repeat(11) }),
        ),
        (Method::PATCH, format!("/api/users/{}/", f.buyer), json!({ "last_name": long(10_000) })),
        (
            Method::POST,
            format!("/api/users/{}/update_balance/", f.buyer),
            json!({ "amount": "1", "description": long(501) }),
        ),
        (
            Method::POST,
            format!("/api/users/{}/update_balance/", f.buyer),
            json!({ "amount": "1", "idempotency_key": "k".repeat(101) }),
        ),
        (
            Method::POST,
            format!("/api/users/{}/link_platform/", f.buyer),
            json!({ "platform": "vk", "platform_user_id": "a".repeat(101) }),
        ),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": long(101) })),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "X", "description": long(2001) })),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "X", "icon": long(51) })),
    ];
    for (method, path, body) in too_long {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "bad_request").await;
    }
    // Empty or blank where text is required.
    let blank = [
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "title": "" })),
            "bad_request",
        ),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "title": "   " })),
            "validation_error",
        ),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "city": " \n " })),
            "validation_error",
        ),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "description": "  " }), "validation_error"),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": "vk", "platform_user_id": "" }), "bad_request"),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "   " }),
            "validation_error",
        ),
        (
            Method::POST,
            format!("/api/users/{}/link_platform/", f.buyer),
            json!({ "platform": "vk", "platform_user_id": "  " }),
            "validation_error",
        ),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "   " }), "validation_error"),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "image_url": "ftp://x" })),
            "validation_error",
        ),
        (
            Method::POST,
            "/api/users/".to_string(),
            json!({ "platform": "vk", "platform_user_id": "1", "language_code": "e n" }),
            "validation_error",
        ),
    ];
    for (method, path, body, code) in blank {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, code).await;
    }
    // Query strings too.
    refused(
        app,
        app.service(Method::GET, &format!("/api/procurements/?search={}", "a".repeat(201))),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
    refused(
        app,
        app.service(Method::GET, &format!("/api/users/by_platform/?platform_user_id={}", "a".repeat(101))),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
}

#[tokio::test]
async fn bad_amounts_are_refused() {
    let f = fixture().await;
    let app = &f.app;
    // Not a two-decimal number at all, or negative where only positive makes sense.
    let unparsable = [
        json!("-1"),
        json!("1e9"),
        json!("0.001"),
        json!(1e20),
        json!("abc"),
        json!(""),
        json!("1,000.00"),
        json!("1000000000000"),
        json!(-5),
        json!(0.1 + 0.2),
        json!("NaN"),
    ];
    for amount in &unparsable {
        refused(
            app,
            app.service(Method::POST, "/api/procurements/")
                .json(&procurement_body(f.organizer, json!({ "target_amount": amount }))),
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
        refused(
            app,
            app.service(Method::PATCH, &format!("/api/procurements/{}/", f.draft))
                .json(&json!({ "price_per_unit": amount })),
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
        refused(
            app,
            app.service(Method::POST, &format!("/api/procurements/{}/join/", f.active))
                .json(&json!({ "user_id": f.organizer, "quantity": amount })),
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
    }
    for amount in
        [json!("1e9"), json!("0.001"), json!(1e20), json!("abc"), json!(""), json!("--1"), json!("1000000000000")]
    {
        refused(
            app,
            app.service(Method::POST, &format!("/api/users/{}/update_balance/", f.buyer))
                .json(&json!({ "amount": amount })),
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
    }
    // Parsable, but zero or out of the allowed range.
    let invalid = [
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "target_amount": "0" })),
        ),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "price_per_unit": "0.00" })),
        ),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "stop_at_amount": "0" })),
        ),
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "min_quantity": "0" }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "commission_percent": "10.01" })),
        ),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "commission_percent": "99" })),
        ),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "target_amount": "0" })),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "commission_percent": "50" })),
        (Method::PATCH, format!("/api/procurements/{}/", f.active), json!({ "stop_at_amount": "0" })),
        (Method::PATCH, format!("/api/procurements/{}/", f.active), json!({ "stop_at_amount": "199.99" })),
        (Method::POST, format!("/api/users/{}/update_balance/", f.buyer), json!({ "amount": "0" })),
        (Method::POST, format!("/api/users/{}/update_balance/", f.buyer), json!({ "amount": "-0.00" })),
    ];
    for (method, path, body) in invalid {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "validation_error").await;
    }
    // A join whose amount disagrees with the server's, or whose quantity makes an absurd amount.
    let other = app.register("buyer").await;
    for body in [
        json!({ "user_id": other, "quantity": "0" }),
        json!({ "user_id": other, "quantity": "1", "amount": "99.99" }),
        json!({ "user_id": other, "quantity": "1", "amount": "-100" }),
        json!({ "user_id": other, "quantity": "999999999999" }),
    ] {
        let code = if body["amount"] == "-100" { "bad_request" } else { "validation_error" };
        refused(
            app,
            app.service(Method::POST, &format!("/api/procurements/{}/join/", f.active)).json(&body),
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    // Taking more than the balance holds, also from a user who never had money.
    let penniless = app.register("buyer").await;
    refused(
        app,
        app.service(Method::POST, &format!("/api/users/{penniless}/update_balance/")).json(&json!({ "amount": "-1" })),
        StatusCode::CONFLICT,
        "insufficient_funds",
    )
    .await;
    refused(
        app,
        app.service(Method::POST, &format!("/api/users/{}/update_balance/", f.buyer))
            .json(&json!({ "amount": "-500.01" })),
        StatusCode::CONFLICT,
        "insufficient_funds",
    )
    .await;
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn amounts_beyond_what_the_database_holds_are_refused() {
    let f = fixture().await;
    let app = &f.app;
    // Quantities are NUMERIC(10,2) in the database, amounts NUMERIC(14,2).
    refused(
        app,
        app.service(Method::POST, "/api/procurements/")
            .json(&procurement_body(f.organizer, json!({ "min_quantity": "999999999999" }))),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
    refused(
        app,
        app.service(Method::PATCH, &format!("/api/procurements/{}/", f.draft))
            .json(&json!({ "min_quantity": "100000000" })),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
    let (cheap, _) = app.active(json!({ "price_per_unit": "0.01", "target_amount": "100" })).await;
    refused(
        app,
        app.service(Method::POST, &format!("/api/procurements/{cheap}/join/"))
            .json(&json!({ "user_id": f.buyer, "quantity": "100000000" })),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
    // The largest amount fits once; a second would overflow the balance.
    let rich = app.register("buyer").await;
    app.fund(rich, "999999999000").await;
    refused(
        app,
        app.service(Method::POST, &format!("/api/users/{rich}/update_balance/")).json(&json!({ "amount": "1000" })),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn nul_characters_are_refused() {
    let f = fixture().await;
    let app = &f.app;
    let fresh = app.register("buyer").await;
    let cases = [
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "title": "Мёд\u{0}" }))),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "description": "a\u{0}b" })),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": "vk", "platform_user_id": "x\u{0}" })),
        (Method::PATCH, format!("/api/users/{}/", f.buyer), json!({ "first_name": "\u{0}" })),
        (Method::POST, format!("/api/procurements/{}/join/", f.active), json!({ "user_id": fresh, "notes": "\u{0}" })),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "a\u{0}" })),
    ];
    for (method, path, body) in cases {
        let response = send(app.service(method.clone(), &path).json(&body)).await;
        assert!(response.0.is_client_error(), "{method} {path}: {} {}", response.0, response.1);
    }
    for (method, path, body) in [
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "title": "Мёд\u{0}" }))),
        (Method::PATCH, format!("/api/users/{}/", f.buyer), json!({ "first_name": "\u{0}" })),
        (Method::POST, "/api/procurements/categories/".to_string(), json!({ "name": "a\u{0}" })),
    ] {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "validation_error").await;
    }
    for path in [
        "/api/procurements/?search=%00",
        "/api/procurements/?city=a%00",
        "/api/users/?search=%00",
        "/api/users/by_platform/?platform_user_id=a%00",
        "/api/users/check_exists/?platform_user_id=a%00",
    ] {
        refused(app, app.service(Method::GET, path), StatusCode::BAD_REQUEST, "validation_error").await;
    }
}

#[tokio::test]
async fn dates_in_the_past_and_bad_dates_are_refused() {
    let f = fixture().await;
    let app = &f.app;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let invalid = [
        (Method::POST, "/api/procurements/".to_string(), procurement_body(f.organizer, json!({ "deadline": past }))),
        (
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ "deadline": deadline(5), "payment_deadline": deadline(4) })),
        ),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "deadline": past })),
        (Method::PATCH, format!("/api/procurements/{}/", f.draft), json!({ "payment_deadline": deadline(1) })),
    ];
    for (method, path, body) in invalid {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "validation_error").await;
    }
    for bad in [json!("tomorrow"), json!("2030-13-01T00:00:00Z"), json!("2030-01-01"), json!(""), json!(null)] {
        refused(
            app,
            app.service(Method::POST, "/api/procurements/")
                .json(&procurement_body(f.organizer, json!({ "deadline": bad }))),
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
    }
    // A draft whose deadline passed cannot be published.
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 second' WHERE id = $1")
        .bind(f.draft)
        .execute(&app.pool)
        .await
        .unwrap();
    refused(
        app,
        app.service(Method::POST, &format!("/api/procurements/{}/update_status/", f.draft))
            .json(&json!({ "status": "active" })),
        StatusCode::BAD_REQUEST,
        "validation_error",
    )
    .await;
}

#[tokio::test]
async fn missing_required_fields_are_bad_requests() {
    let f = fixture().await;
    let app = &f.app;
    let mut cases = Vec::new();
    for field in ["title", "description", "organizer", "city", "target_amount", "deadline"] {
        cases.push((
            Method::POST,
            "/api/procurements/".to_string(),
            procurement_body(f.organizer, json!({ field: null })),
        ));
    }
    cases.extend([
        (Method::POST, "/api/users/".to_string(), json!({ "platform_user_id": "1" })),
        (Method::POST, "/api/users/".to_string(), json!({ "platform": "vk" })),
        (Method::POST, format!("/api/users/{}/update_balance/", f.buyer), json!({ "description": "x" })),
        (Method::POST, format!("/api/users/{}/link_platform/", f.buyer), json!({ "platform": "vk" })),
        (Method::POST, format!("/api/procurements/{}/join/", f.active), json!({ "quantity": "1" })),
        (Method::POST, format!("/api/procurements/{}/leave/", f.active), json!({})),
        (Method::POST, format!("/api/procurements/{}/update_status/", f.active), json!({})),
        (Method::POST, format!("/api/procurements/participants/{}/update_status/", f.participant), json!({})),
        (Method::POST, "/api/auth/token/".to_string(), json!({})),
    ]);
    for (method, path, body) in cases {
        refused(app, app.service(method, &path).json(&body), StatusCode::BAD_REQUEST, "bad_request").await;
    }
    // A body is required at all: without one (and its Content-Type) the media type is unsupported.
    for (method, path) in write_endpoints(&f) {
        refused(app, app.service(method, &path), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    }
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused() {
    let f = fixture().await;
    let app = &f.app;
    let huge = "я".repeat(40 * 1024); // 80 KiB of UTF-8
    for (method, path) in write_endpoints(&f) {
        refused(
            app,
            app.service(method, &path).json(&json!({ "title": huge, "description": huge })),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        )
        .await;
    }
    // Just under the limit is read (and refused for what it says, not for its size).
    let big = "a".repeat(9_000);
    let (status, body) = send(
        app.service(Method::POST, "/api/procurements/")
            .json(&procurement_body(f.organizer, json!({ "description": big, "delivery_address": "b".repeat(1001) }))),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{body}");
}

/// Sends a chunked request (no Content-Length) over a raw connection; returns status and body.
async fn chunked_post(app: &TestApp, path: &str, body: &[u8]) -> (u16, Value) {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {SERVICE_KEY}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (and stop reading) before the whole body is sent.
    for chunk in body.chunks(8 * 1024) {
        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
        framed.extend_from_slice(chunk);
        framed.extend_from_slice(b"\r\n");
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let _ = stream.flush().await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).to_string();
    let status: u16 = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{text}"));
    let (headers, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let payload = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        // One JSON chunk: size line, data, terminator.
        rest.split("\r\n").nth(1).unwrap_or_default().to_string()
    } else {
        rest.to_string()
    };
    (status, serde_json::from_str(&payload).unwrap_or(Value::String(payload)))
}

#[tokio::test]
async fn chunked_bodies_over_64_kib_are_cut_and_refused() {
    let f = fixture().await;
    let app = &f.app;
    let before = snapshot(app).await;
    let body = serde_json::to_vec(&json!({ "name": "Огромная", "description": "x".repeat(100 * 1024) })).unwrap();
    let (status, response) = chunked_post(app, "/api/procurements/categories/", &body).await;
    // Without a declared length the body is cut at the limit, so what arrives is not JSON.
    assert_eq!((status, response["code"].as_str()), (400, Some("bad_request")), "{response}");
    assert!(response["error"].as_str().is_some_and(|e| !e.is_empty()), "{response}");
    assert_eq!(snapshot(app).await, before);
    // A small chunked body is read normally.
    let small = serde_json::to_vec(&json!({ "name": "Малая" })).unwrap();
    let (status, created) = chunked_post(app, "/api/procurements/categories/", &small).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "Малая");
}

#[tokio::test]
async fn wrong_content_types_are_unsupported() {
    let f = fixture().await;
    let app = &f.app;
    // JSON with a charset parameter is still JSON.
    let (status, created) = send(
        app.service(Method::POST, "/api/users/")
            .header("content-type", "application/json; charset=utf-8")
            .body(r#"{"platform": "vk", "platform_user_id": "charset"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    for (method, path) in write_endpoints(&f) {
        for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
            refused(
                app,
                app.service(method.clone(), &path).header("content-type", content_type).body("{\"user_id\": 1}"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
            .await;
        }
    }
}
