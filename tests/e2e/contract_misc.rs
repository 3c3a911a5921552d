//! Categories, participants, transactions, tokens and the service endpoints.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&app.pool).await.unwrap()
}

async fn create_category(app: &TestApp, body: Value) -> Value {
    let (status, created) = send(app.service(Method::POST, "/api/procurements/categories/").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

async fn participant_status(request: reqwest::RequestBuilder, status: &str) -> (StatusCode, Value) {
    send(request.json(&json!({ "status": status }))).await
}

// ---------------------------------------------------------------------------------------------
// Categories

#[tokio::test]
async fn categories_crud_with_service_key() {
    let app = TestApp::spawn().await;
    let food = create_category(&app, json!({ "name": "  Еда ", "description": "Продукты", "icon": "🍯" })).await;
    let food_id = food["id"].as_i64().expect("id");
    assert_eq!(
        food,
        json!({ "id": food_id, "name": "Еда", "description": "Продукты", "parent": null, "icon": "🍯", "is_active": true })
    );
    let honey = create_category(&app, json!({ "name": "Мёд", "parent": food_id })).await;
    let honey_id = honey["id"].as_i64().unwrap();
    assert_eq!(honey["parent"], food_id);
    assert_eq!((honey["description"].as_str(), honey["icon"].as_str()), (Some(""), Some("")));
    create_category(&app, json!({ "name": "Бытовая химия" })).await;
    create_category(&app, json!({ "name": "Архив", "is_active": false })).await;

    // Anyone may read: active categories by name; `parent` gives one category's children.
    let (status, all) = send(app.anon(Method::GET, "/api/procurements/categories/")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(names(&all), vec!["Бытовая химия", "Еда", "Мёд"]);
    let (status, children) =
        send(app.anon(Method::GET, &format!("/api/procurements/categories/?parent={food_id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&children), vec!["Мёд"]);
    let (_, none) = send(app.anon(Method::GET, &format!("/api/procurements/categories/?parent={honey_id}"))).await;
    assert_eq!(none, json!([]));
    let (status, got) = send(app.anon(Method::GET, &format!("/api/procurements/categories/{honey_id}/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, honey);
    assert_error(
        &send(app.anon(Method::GET, "/api/procurements/categories/999999/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // PATCH and PUT change only what is sent; `parent: null` moves a category to the top.
    let (status, patched) = send(
        app.service(Method::PATCH, &format!("/api/procurements/categories/{honey_id}/")).json(&json!({ "icon": "🐝" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(
        (patched["icon"].as_str(), patched["name"].as_str(), patched["parent"].as_i64()),
        (Some("🐝"), Some("Мёд"), Some(food_id))
    );
    let (status, put) = send(
        app.service(Method::PUT, &format!("/api/procurements/categories/{honey_id}/"))
            .json(&json!({ "name": "Мёд и соты", "parent": null })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{put}");
    assert_eq!((put["name"].as_str(), put["icon"].as_str()), (Some("Мёд и соты"), Some("🐝")));
    assert_eq!(put["parent"], Value::Null);
    // Deactivating hides it from the list but not from GET.
    let (status, _) = send(
        app.service(Method::PATCH, &format!("/api/procurements/categories/{honey_id}/"))
            .json(&json!({ "is_active": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, all) = send(app.anon(Method::GET, "/api/procurements/categories/")).await;
    assert_eq!(names(&all), vec!["Бытовая химия", "Еда"]);
    let (status, hidden) = send(app.anon(Method::GET, &format!("/api/procurements/categories/{honey_id}/"))).await;
    assert_eq!((status, hidden["is_active"].as_bool()), (StatusCode::OK, Some(false)));
    assert_error(
        &send(app.service(Method::PATCH, "/api/procurements/categories/999999/").json(&json!({ "icon": "x" }))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn category_writes_need_the_service_key() {
    let app = TestApp::spawn().await;
    let user = app.register("organizer").await;
    let cat = create_category(&app, json!({ "name": "Еда" })).await;
    let id = cat["id"].as_i64().unwrap();
    let path = format!("/api/procurements/categories/{id}/");
    let attempts = [
        (Method::POST, "/api/procurements/categories/".to_string()),
        (Method::PUT, path.clone()),
        (Method::PATCH, path.clone()),
        (Method::DELETE, path.clone()),
    ];
    for (method, path) in attempts {
        let body = json!({ "name": "Чужое" });
        assert_error(
            &send(app.as_user(user, method.clone(), &path).json(&body)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &send(app.anon(method.clone(), &path).json(&body)).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        );
    }
    assert_eq!(count(&app, "SELECT count(*) FROM categories").await, 1);
    let (_, got) = send(app.anon(Method::GET, &path)).await;
    assert_eq!(got, cat);
}

#[tokio::test]
async fn category_names_are_unique_per_parent() {
    let app = TestApp::spawn().await;
    let food = create_category(&app, json!({ "name": "Еда" })).await["id"].as_i64().unwrap();
    let home = create_category(&app, json!({ "name": "Дом" })).await["id"].as_i64().unwrap();
    create_category(&app, json!({ "name": "Разное", "parent": food })).await;
    // The same name under another parent is fine.
    let other = create_category(&app, json!({ "name": "Разное", "parent": home })).await;
    let dup = send(
        app.service(Method::POST, "/api/procurements/categories/").json(&json!({ "name": "Разное", "parent": food })),
    )
    .await;
    assert_error(&dup, StatusCode::CONFLICT, "category_exists");
    // At the top level too.
    let top = send(app.service(Method::POST, "/api/procurements/categories/").json(&json!({ "name": " Еда " }))).await;
    assert_error(&top, StatusCode::CONFLICT, "category_exists");
    // Renaming or moving into a clash is refused as well.
    let moved = send(
        app.service(Method::PATCH, &format!("/api/procurements/categories/{}/", other["id"]))
            .json(&json!({ "parent": food })),
    )
    .await;
    assert_error(&moved, StatusCode::CONFLICT, "category_exists");
    assert_eq!(count(&app, "SELECT count(*) FROM categories").await, 4);
    // A name is required to create; an unknown parent is refused.
    assert_error(
        &send(app.service(Method::POST, "/api/procurements/categories/").json(&json!({ "description": "без имени" })))
            .await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    assert_error(
        &send(
            app.service(Method::POST, "/api/procurements/categories/")
                .json(&json!({ "name": "Сироты", "parent": 999999 })),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    assert_eq!(count(&app, "SELECT count(*) FROM categories").await, 4);
}

#[tokio::test]
async fn category_cycles_are_refused() {
    let app = TestApp::spawn().await;
    let a = create_category(&app, json!({ "name": "A" })).await["id"].as_i64().unwrap();
    let b = create_category(&app, json!({ "name": "B", "parent": a })).await["id"].as_i64().unwrap();
    let c = create_category(&app, json!({ "name": "C", "parent": b })).await["id"].as_i64().unwrap();
    for (id, parent) in [(a, c), (a, b), (a, a), (b, c)] {
        let refused = send(
            app.service(Method::PATCH, &format!("/api/procurements/categories/{id}/"))
                .json(&json!({ "parent": parent })),
        )
        .await;
        assert_error(&refused, StatusCode::BAD_REQUEST, "validation_error");
    }
    let parents: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT parent_id FROM categories ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert_eq!(parents, vec![None, Some(a), Some(b)]);
    // Moving a leaf elsewhere is fine.
    let (status, moved) =
        send(app.service(Method::PATCH, &format!("/api/procurements/categories/{c}/")).json(&json!({ "parent": a })))
            .await;
    assert_eq!((status, moved["parent"].as_i64()), (StatusCode::OK, Some(a)));
}

#[tokio::test]
async fn deleting_a_category_takes_its_children_and_uncategorizes_procurements() {
    let app = TestApp::spawn().await;
    let food = create_category(&app, json!({ "name": "Еда" })).await["id"].as_i64().unwrap();
    let honey = create_category(&app, json!({ "name": "Мёд", "parent": food })).await["id"].as_i64().unwrap();
    let keep = create_category(&app, json!({ "name": "Дом" })).await["id"].as_i64().unwrap();
    let (id, _) = app.active(json!({ "category": honey })).await;
    assert_eq!(app.procurement(id).await["category_name"], "Мёд");

    let (status, body) = send(app.service(Method::DELETE, &format!("/api/procurements/categories/{food}/"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(body, Value::Null);
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM categories").fetch_all(&app.pool).await.unwrap();
    assert_eq!(left, vec![keep]);
    let p = app.procurement(id).await;
    assert_eq!((p["category"].clone(), p["category_name"].clone()), (Value::Null, Value::Null));
    assert_error(
        &send(app.anon(Method::GET, &format!("/api/procurements/categories/{honey}/"))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(app.service(Method::DELETE, &format!("/api/procurements/categories/{food}/"))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

// ---------------------------------------------------------------------------------------------
// Participants

struct Order {
    procurement: i64,
    organizer: i64,
    buyer: i64,
    participant: i64,
}

async fn order(app: &TestApp) -> Order {
    let (procurement, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let (status, joined) = app.join(procurement, buyer, "2").await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    Order { procurement, organizer, buyer, participant: joined["id"].as_i64().unwrap() }
}

#[tokio::test]
async fn participants_list_auth_rules_and_filters() {
    let app = TestApp::spawn().await;
    let o = order(&app).await;
    let second_buyer = app.register("buyer").await;
    assert_eq!(app.join(o.procurement, second_buyer, "1").await.0, StatusCode::CREATED);
    let elsewhere = order(&app).await;

    let (status, all) = send(app.service(Method::GET, "/api/procurements/participants/")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        (all["count"].as_i64(), all["next"].clone(), all["previous"].clone()),
        (Some(3), Value::Null, Value::Null)
    );
    let (_, by_proc) =
        send(app.service(Method::GET, &format!("/api/procurements/participants/?procurement={}", o.procurement))).await;
    assert_eq!(by_proc["count"], 2);
    let (_, by_user) =
        send(app.service(Method::GET, &format!("/api/procurements/participants/?user={}", o.buyer))).await;
    assert_eq!(by_user["count"], 1);
    assert_eq!(by_user["results"][0]["id"], o.participant);
    assert_eq!(by_user["results"][0]["amount"], "200.00");

    // A buyer sees their own orders; the organizer those in their procurement.
    let (status, own) =
        send(app.as_user(o.buyer, Method::GET, &format!("/api/procurements/participants/?user={}", o.buyer))).await;
    assert_eq!((status, own["count"].as_i64()), (StatusCode::OK, Some(1)));
    let (status, organized) = send(app.as_user(
        o.organizer,
        Method::GET,
        &format!("/api/procurements/participants/?procurement={}", o.procurement),
    ))
    .await;
    assert_eq!((status, organized["count"].as_i64()), (StatusCode::OK, Some(2)));
    // Anything else is refused.
    for path in [
        "/api/procurements/participants/".to_string(),
        format!("/api/procurements/participants/?user={}", second_buyer),
        format!("/api/procurements/participants/?procurement={}", elsewhere.procurement),
    ] {
        assert_error(&send(app.as_user(o.buyer, Method::GET, &path)).await, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_error(
        &send(app.as_user(
            o.organizer,
            Method::GET,
            &format!("/api/procurements/participants/?procurement={}", elsewhere.procurement),
        ))
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.anon(Method::GET, "/api/procurements/participants/")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(app.as_user(o.buyer, Method::GET, "/api/procurements/participants/?procurement=999999")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Status filter, and cancelled orders stay listed.
    let (status, _) = send(
        app.service(Method::POST, &format!("/api/procurements/{}/leave/", o.procurement))
            .json(&json!({ "user_id": second_buyer })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, cancelled) = send(app.service(Method::GET, "/api/procurements/participants/?status=cancelled")).await;
    assert_eq!(cancelled["count"], 1);
    assert_eq!(
        (cancelled["results"][0]["user"].as_i64(), cancelled["results"][0]["is_active"].as_bool()),
        (Some(second_buyer), Some(false))
    );
    let (_, pending) = send(app.service(Method::GET, "/api/procurements/participants/?status=pending")).await;
    assert_eq!(pending["count"], 2);
    assert_error(
        &send(app.service(Method::GET, "/api/procurements/participants/?page=2")).await,
        StatusCode::NOT_FOUND,
        "invalid_page",
    );
}

#[tokio::test]
async fn participant_get_auth_rules() {
    let app = TestApp::spawn().await;
    let o = order(&app).await;
    let stranger = app.register("buyer").await;
    let path = format!("/api/procurements/participants/{}/", o.participant);
    for who in [o.buyer, o.organizer] {
        let (status, body) = send(app.as_user(who, Method::GET, &path)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["id"].as_i64(), body["user"].as_i64()), (Some(o.participant), Some(o.buyer)));
        assert_eq!(body["procurement"], o.procurement);
    }
    let (status, _) = send(app.service(Method::GET, &path)).await;
    assert_eq!(status, StatusCode::OK);
    assert_error(&send(app.as_user(stranger, Method::GET, &path)).await, StatusCode::FORBIDDEN, "forbidden");
    assert_error(&send(app.anon(Method::GET, &path)).await, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_error(
        &send(app.service(Method::GET, "/api/procurements/participants/999999/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn participant_update_status_auth_rules() {
    let app = TestApp::spawn().await;
    let o = order(&app).await;
    let stranger = app.register("buyer").await;
    let path = format!("/api/procurements/participants/{}/update_status/", o.participant);

    // Only the organizer confirms.
    assert_error(
        &participant_status(app.as_user(o.buyer, Method::POST, &path), "confirmed").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &participant_status(app.as_user(stranger, Method::POST, &path), "cancelled").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &participant_status(app.anon(Method::POST, &path), "confirmed").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // Illegal moves.
    for target in ["pending", "paid", "delivered"] {
        assert_error(
            &participant_status(app.service(Method::POST, &path), target).await,
            StatusCode::CONFLICT,
            "illegal_transition",
        );
    }
    let (status, confirmed) = participant_status(app.as_user(o.organizer, Method::POST, &path), "confirmed").await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(
        (confirmed["status"].as_str(), confirmed["status_display"].as_str()),
        (Some("confirmed"), Some("Confirmed"))
    );
    // Paying is the buyer's, and only once the procurement asks for payment.
    assert_error(
        &participant_status(app.as_user(o.organizer, Method::POST, &path), "paid").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &participant_status(app.as_user(o.buyer, Method::POST, &path), "paid").await,
        StatusCode::CONFLICT,
        "procurement_state",
    );
    // The buyer may cancel while the procurement is active.
    let (status, cancelled) = participant_status(app.as_user(o.buyer, Method::POST, &path), "cancelled").await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!((cancelled["status"].as_str(), cancelled["is_active"].as_bool()), (Some("cancelled"), Some(false)));
    let p = app.procurement(o.procurement).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("0.00"), Some(0)));
    assert_error(
        &participant_status(app.service(Method::POST, &path), "cancelled").await,
        StatusCode::CONFLICT,
        "illegal_transition",
    );
    assert_error(
        &participant_status(
            app.service(Method::POST, "/api/procurements/participants/999999/update_status/"),
            "confirmed",
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

// ---------------------------------------------------------------------------------------------
// Transactions

#[tokio::test]
async fn transactions_list_and_summary() {
    let app = TestApp::spawn().await;
    let o = order(&app).await;
    let other = app.register("buyer").await;
    app.fund(o.buyer, "1000").await;
    app.fund(other, "5").await;
    let path = format!("/api/procurements/participants/{}/update_status/", o.participant);
    assert_eq!(participant_status(app.service(Method::POST, &path), "confirmed").await.0, StatusCode::OK);
    app.set_status(o.procurement, "stopped").await;
    app.set_status(o.procurement, "payment").await;
    let (status, paid) = participant_status(app.as_user(o.buyer, Method::POST, &path), "paid").await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    app.set_status(o.procurement, "cancelled").await;
    app.drain().await; // the capture and refund jobs

    let (status, mine) = send(app.as_user(o.buyer, Method::GET, "/api/payments/transactions/")).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["count"], 3);
    let results = mine["results"].as_array().unwrap();
    let kinds: Vec<(&str, &str, &str)> = results
        .iter()
        .map(|t| {
            (
                t["transaction_type"].as_str().unwrap(),
                t["amount"].as_str().unwrap(),
                t["balance_after"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("procurement_refund", "200.00", "1000.00"),
            ("procurement_join", "-200.00", "800.00"),
            ("bonus", "1000.00", "1000.00")
        ]
    );
    let join = &results[1];
    let expected_keys: BTreeSet<&str> = [
        "id",
        "user",
        "transaction_type",
        "amount",
        "balance_after",
        "payment",
        "procurement",
        "procurement_title",
        "description",
        "created_at",
    ]
    .into();
    assert_eq!(join.as_object().unwrap().keys().map(String::as_str).collect::<BTreeSet<_>>(), expected_keys);
    assert_eq!(join["user"], o.buyer);
    assert_eq!(join["procurement"], o.procurement);
    assert_eq!(join["procurement_title"], "Мёд");
    assert!(join["payment"].as_i64().is_some(), "{join}");
    assert_eq!(results[2]["procurement"], Value::Null);

    // Filters; a service sees everyone's.
    let (_, joins) =
        send(app.service(Method::GET, "/api/payments/transactions/?transaction_type=procurement_join")).await;
    assert_eq!(joins["count"], 1);
    let (_, bonuses) = send(app.service(Method::GET, "/api/payments/transactions/?transaction_type=bonus")).await;
    assert_eq!(bonuses["count"], 2);
    let (_, everyone) = send(app.service(Method::GET, "/api/payments/transactions/")).await;
    assert_eq!(everyone["count"], 4);
    let (_, others) = send(app.service(Method::GET, &format!("/api/payments/transactions/?user_id={other}"))).await;
    assert_eq!(others["count"], 1);
    let (status, own_explicit) =
        send(app.as_user(other, Method::GET, &format!("/api/payments/transactions/?user_id={other}"))).await;
    assert_eq!((status, own_explicit["count"].as_i64()), (StatusCode::OK, Some(1)));
    // Users see only their own.
    assert_error(
        &send(app.as_user(other, Method::GET, &format!("/api/payments/transactions/?user_id={}", o.buyer))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.anon(Method::GET, "/api/payments/transactions/")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(app.service(Method::GET, "/api/payments/transactions/?page=2")).await,
        StatusCode::NOT_FOUND,
        "invalid_page",
    );

    let (status, summary) =
        send(app.as_user(o.buyer, Method::GET, &format!("/api/payments/transactions/summary/?user_id={}", o.buyer)))
            .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(
        summary,
        json!({
            "user_id": o.buyer, "current_balance": "1000.00", "total_deposited": "0.00", "total_withdrawn": "200.00",
            "total_refunded": "200.00", "transaction_count": 3
        })
    );
    let (status, empty) =
        send(app.service(Method::GET, &format!("/api/payments/transactions/summary/?user_id={}", o.organizer))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        empty,
        json!({
            "user_id": o.organizer, "current_balance": "0.00", "total_deposited": "0.00", "total_withdrawn": "0.00",
            "total_refunded": "0.00", "transaction_count": 0
        })
    );
    assert_error(
        &send(app.service(Method::GET, "/api/payments/transactions/summary/")).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    assert_error(
        &send(app.as_user(other, Method::GET, &format!("/api/payments/transactions/summary/?user_id={}", o.buyer)))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.service(Method::GET, "/api/payments/transactions/summary/?user_id=999999")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    app.assert_ledger_consistent().await;
}

// ---------------------------------------------------------------------------------------------
// Tokens and service endpoints

#[tokio::test]
async fn auth_token_is_issued_to_services_and_works() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let (status, issued) = send(app.service(Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    assert_eq!(issued["user_id"], user);
    let expires = chrono::DateTime::parse_from_rfc3339(issued["expires_at"].as_str().unwrap()).unwrap();
    let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((23 * 60..=24 * 60).contains(&hours), "expires in {hours} minutes");
    let token = issued["token"].as_str().unwrap();
    let (status, me) =
        send(reqwest::Client::new().get(format!("{}/api/users/{user}/", app.base)).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], user);
    let (status, _) =
        send(reqwest::Client::new().get(format!("{}/api/users/{}/", app.base, user + 1)).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Only services issue tokens, only for active users that exist.
    assert_error(
        &send(app.as_user(user, Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &send(app.anon(Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &send(app.service(Method::POST, "/api/auth/token/").json(&json!({ "user_id": 999999 }))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1").bind(user).execute(&app.pool).await.unwrap();
    assert_error(
        &send(app.service(Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // A token that is not ours is refused outright.
    assert_error(
        &send(reqwest::Client::new().get(format!("{}/api/procurements/", app.base)).bearer_auth("garbage")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let (status, health) = send(app.anon(Method::GET, "/health")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health, json!({ "status": "healthy" }));
    let (status, ready) = send(app.anon(Method::GET, "/ready")).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready, json!({ "status": "ready", "database": "ok", "redis": "not_configured" }));
    let (status, _) = send(app.anon(Method::GET, "/ready/")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn openapi_document_lists_every_operation() {
    let app = TestApp::spawn().await;
    let (status, spec) = send(app.anon(Method::GET, "/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK, "{spec}");
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."), "{}", spec["openapi"]);
    assert_eq!(spec["info"]["title"], "GroupBuy API");
    let server = spec["servers"][0]["url"].as_str().unwrap_or_default();
    assert!(server.ends_with("/api"), "{server}");
    let mut operations: BTreeSet<String> = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let expected: BTreeSet<String> = [
        "GET /users",
        "POST /users",
        "GET /users/by_platform",
        "GET /users/check_exists",
        "GET /users/{id}",
        "PUT /users/{id}",
        "PATCH /users/{id}",
        "POST /users/{id}/link_platform",
        "GET /users/{id}/balance",
        "POST /users/{id}/update_balance",
        "GET /users/{id}/role",
        "GET /procurements",
        "POST /procurements",
        "GET /procurements/{id}",
        "PUT /procurements/{id}",
        "PATCH /procurements/{id}",
        "POST /procurements/{id}/join",
        "POST /procurements/{id}/leave",
        "GET /procurements/{id}/participants",
        "GET /procurements/user/{user_id}",
        "POST /procurements/{id}/check_access",
        "POST /procurements/{id}/update_status",
        "GET /procurements/participants",
        "GET /procurements/participants/{id}",
        "POST /procurements/participants/{id}/update_status",
        "GET /procurements/categories",
        "POST /procurements/categories",
        "GET /procurements/categories/{id}",
        "PUT /procurements/categories/{id}",
        "PATCH /procurements/categories/{id}",
        "DELETE /procurements/categories/{id}",
        "GET /payments",
        "POST /payments",
        "GET /payments/{id}",
        "GET /payments/{id}/status",
        "POST /payments/withdraw",
        "POST /payments/webhook/tochka",
        "GET /payments/transactions",
        "GET /payments/transactions/summary",
        "POST /auth/token",
        "POST /auth/login-link",
        "POST /auth/telegram-webapp",
        "POST /auth/refresh",
        "POST /auth/logout",
        "POST /admin/auth",
        "GET /admin/auth",
        "DELETE /admin/auth",
        "GET /admin/jobs/stats",
        "GET /admin/jobs/dead",
        "POST /admin/jobs/retry",
        "GET /admin/auth",
        "POST /admin/auth",
        "DELETE /admin/auth",
        "GET /admin/payments",
        "GET /admin/payments/summary",
        "GET /admin/transactions",
        "GET /admin/categories",
        "POST /admin/categories",
        "GET /admin/categories/{id}",
        "PATCH /admin/categories/{id}",
        "DELETE /admin/categories/{id}",
        "GET /admin/messages",
        "POST /admin/messages/{id}/toggle_delete",
        "GET /admin/notifications",
        "POST /admin/notifications/send_bulk",
        "GET /admin/audit",
        "POST /admin/jobs/dead/retry",
        "POST /admin/jobs/dead/discard",
        "GET /admin/broadcasts",
        "GET /admin/doctor",
        "GET /admin/dashboard",
        "GET /admin/dashboard/series",
        "GET /admin/users",
        "GET /admin/users/{id}",
        "PATCH /admin/users/{id}",
        "POST /admin/users/{id}/toggle_active",
        "POST /admin/users/{id}/toggle_verified",
        "POST /admin/users/{id}/update_balance",
        "POST /admin/users/bulk_action",
        "GET /admin/procurements",
        "GET /admin/procurements/{id}",
        "PATCH /admin/procurements/{id}",
        "POST /admin/procurements/{id}/update_status",
        "POST /admin/procurements/{id}/toggle_featured",
        "GET /admin/procurements/{id}/participants",
        "POST /admin/procurements/bulk_action",
        "GET /chat/messages",
        "POST /chat/messages",
        "PATCH /chat/messages/{id}",
        "DELETE /chat/messages/{id}",
        "POST /chat/messages/mark_read",
        "POST /chat/upload",
        "GET /chat/messages/unread_count",
        "GET /chat/notifications",
        "POST /chat/notifications/{id}/mark_read",
        "POST /chat/notifications/mark_all_read",
        "POST /chat/notifications/send",
        "POST /broadcasts",
        "GET /broadcasts",
        "GET /broadcasts/{id}",
        "POST /broadcasts/{id}/start",
        "POST /broadcasts/{id}/cancel",
        "GET /ml/models",
        "GET /ml/models/status",
        "GET /ml/models/{id}",
        "POST /ml/models/train",
        "GET /ml/predictions",
        "POST /ml/predictions/predict",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(operations, expected);
}

#[tokio::test]
async fn swagger_ui_is_served() {
    let app = TestApp::spawn().await;
    for path in ["/api/docs/", "/api/docs"] {
        let response = app.anon(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        let html = response.text().await.unwrap();
        assert!(html.to_lowercase().contains("swagger"), "{path}");
    }
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_are_json_errors() {
    let app = TestApp::spawn().await;
    for path in ["/nope", "/api/nope/", "/api/users/1/nope/", "/api/procurements/1/join/extra"] {
        let response = send(app.service(Method::GET, path)).await;
        assert_error(&response, StatusCode::NOT_FOUND, "not_found");
    }
    for (method, path) in [
        (Method::DELETE, "/api/users/"),
        (Method::DELETE, "/api/procurements/1/"),
        (Method::GET, "/api/procurements/1/join/"),
        (Method::PUT, "/api/auth/token/"),
        (Method::POST, "/health"),
    ] {
        let response = send(app.service(method.clone(), path).json(&json!({}))).await;
        assert_error(&response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }
    // Error responses are JSON documents.
    let response = app.anon(Method::GET, "/api/nope").send().await.unwrap();
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}
