//! `/api/admin/users/`: the list with its filters, search, ordering and pages; the writes
//! (profile, flags, balance through the ledger, bulk) with their refusals, and the audit row
//! each write leaves.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A person registered from `platform` with these names and role.
async fn person(app: &TestApp, platform: &str, first_name: &str, last_name: &str, role: &str) -> i64 {
    let (status, body) = send(app.service(Method::POST, "/api/users/").json(&json!({
        "platform": platform, "platform_user_id": uuid::Uuid::new_v4().to_string(),
        "first_name": first_name, "last_name": last_name, "role": role,
        "email": format!("{}@example.com", first_name.to_lowercase()),
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// The audit rows so far, oldest first: (action, entity, entity_id, before, after, staff_id).
pub async fn audit_rows(app: &TestApp) -> Vec<(String, String, String, Value, Value, Option<i64>)> {
    sqlx::query_as(
        "SELECT action, entity, entity_id, COALESCE(before, 'null'), COALESCE(after, 'null'), staff_id
         FROM audit_log ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, body) = send(app.as_staff(token, Method::GET, &format!("/api/admin/users/{query}"))).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn ids(page: &Value) -> Vec<i64> {
    page["results"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn every_user_operation_refuses_anonymous_callers_and_people() {
    let app = TestApp::spawn().await;
    let someone = person(&app, "telegram", "John", "Doe", "buyer").await;
    let calls = [
        (Method::GET, "/api/admin/users/".to_string(), json!(null)),
        (Method::GET, format!("/api/admin/users/{someone}/"), json!(null)),
        (Method::PATCH, format!("/api/admin/users/{someone}/"), json!({ "first_name": "X" })),
        (Method::POST, format!("/api/admin/users/{someone}/toggle_active/"), json!(null)),
        (Method::POST, format!("/api/admin/users/{someone}/toggle_verified/"), json!(null)),
        (Method::POST, format!("/api/admin/users/{someone}/update_balance/"), json!({ "amount": "5.00" })),
        (Method::POST, "/api/admin/users/bulk_action/".to_string(), json!({ "ids": [someone], "action": "verify" })),
    ];
    for (method, path, body) in calls {
        let with_body = |r: reqwest::RequestBuilder| if body.is_null() { r } else { r.json(&body) };
        let r = send(with_body(app.anon(method.clone(), &path))).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        let r = send(with_body(app.as_user(someone, method.clone(), &path))).await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, user) = send(app.service(Method::GET, &format!("/api/users/{someone}/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((user["first_name"].as_str(), user["is_active"].as_bool()), (Some("John"), Some(true)));
    assert_eq!(user["balance"], "0.00", "nothing changed");
    assert!(audit_rows(&app).await.is_empty());
}

#[tokio::test]
async fn the_list_filters_searches_orders_and_pages() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    let jane = person(&app, "vk", "Jane", "Smith", "organizer").await;

    // the original's test_list_users, plus the staff account, which is listed as such
    let all = list(&app, &token, "").await;
    assert_eq!(all["count"], 3);
    assert_eq!(ids(&all), vec![jane, john, staff_id], "newest first");
    let item = &all["results"][1];
    for key in ["platform", "identities", "full_name", "role_display", "balance", "created_at"] {
        assert!(item.get(key).is_some(), "public user field {key}: {item}");
    }
    assert_eq!(item["is_staff"], false);
    assert_eq!(item["participations_count"], 0);
    assert_eq!(item["organized_count"], 0);
    assert_eq!(item["total_spent"], "0.00");
    assert_eq!(all["results"][2]["is_staff"], true);

    // the original's test_list_users_with_filters and test_list_users_search
    assert_eq!(ids(&list(&app, &token, "?role=organizer").await), vec![jane]);
    assert_eq!(ids(&list(&app, &token, "?platform=telegram").await), vec![john]);
    assert_eq!(ids(&list(&app, &token, "?search=john").await), vec![john]);
    assert_eq!(ids(&list(&app, &token, "?search=SMITH").await), vec![jane], "last names, any case");
    assert_eq!(ids(&list(&app, &token, "?search=jane@example").await), vec![jane], "emails");

    let (status, _) =
        send(app.as_staff(&token, Method::POST, &format!("/api/admin/users/{john}/toggle_active/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list(&app, &token, "?is_active=false").await), vec![john]);
    assert_eq!(ids(&list(&app, &token, "?is_verified=true").await), vec![staff_id]);

    assert_eq!(ids(&list(&app, &token, "?ordering=id").await), vec![staff_id, john, jane]);
    assert_eq!(ids(&list(&app, &token, "?ordering=-first_name").await), vec![staff_id, john, jane]);
    app.fund(jane, "10.00").await;
    assert_eq!(ids(&list(&app, &token, "?ordering=-balance").await)[0], jane);
    assert_eq!(list(&app, &token, "?ordering=total_spent").await["count"], 3);

    let page = list(&app, &token, "?ordering=id&page_size=2").await;
    assert_eq!((ids(&page), page["count"].as_i64()), (vec![staff_id, john], Some(3)));
    assert!(page["next"].as_str().unwrap().contains("page=2"), "{page}");
    let page = list(&app, &token, "?ordering=id&page_size=2&page=2").await;
    assert_eq!(ids(&page), vec![jane]);
    assert!(page["next"].is_null() && page["previous"].is_string(), "{page}");

    for bad in [
        "?role=admin",
        "?platform=icq",
        "?is_active=maybe",
        "?ordering=password_hash",
        "?page_size=0",
        "?page_size=101",
    ] {
        let (status, body) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/users/{bad}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["error"].is_string(), "{bad}: {body}");
    }
    let r = send(app.as_staff(&token, Method::GET, "/api/admin/users/?page=9")).await;
    assert_error(&r, StatusCode::NOT_FOUND, "invalid_page");
    let r = send(app.as_staff(&token, Method::GET, "/api/admin/users/999999/")).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn activity_counts_and_money_spent() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("operator").await;
    // a paid order of 3 × 100.00 by a buyer who started with 1000.00
    let PaidOrder { buyer, organizer, .. } = app.paid_order().await;
    let (_, b) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/users/{buyer}/"))).await;
    assert_eq!((b["participations_count"].as_i64(), b["total_spent"].as_str()), (Some(1), Some("300.00")), "{b}");
    assert_eq!(b["balance"], "700.00");
    let (_, o) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/users/{organizer}/"))).await;
    assert_eq!(o["organized_count"], 1, "{o}");
}

#[tokio::test]
async fn toggles_flip_atomically_and_are_audited() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    let toggle = |what: &'static str| {
        let path = format!("/api/admin/users/{john}/{what}/");
        let request = app.as_staff(&token, Method::POST, &path);
        async move { send(request).await }
    };
    // the original's test_toggle_user_active and test_toggle_user_verified
    assert_eq!(toggle("toggle_active").await, (StatusCode::OK, json!({ "is_active": false })));
    assert_eq!(toggle("toggle_active").await, (StatusCode::OK, json!({ "is_active": true })));
    assert_eq!(toggle("toggle_verified").await, (StatusCode::OK, json!({ "is_verified": true })));

    let rows = audit_rows(&app).await;
    let expected = [
        ("user.toggle_active", json!({ "is_active": true }), json!({ "is_active": false })),
        ("user.toggle_active", json!({ "is_active": false }), json!({ "is_active": true })),
        ("user.toggle_verified", json!({ "is_verified": false }), json!({ "is_verified": true })),
    ];
    assert_eq!(rows.len(), 3);
    for (row, (action, before, after)) in rows.iter().zip(expected) {
        assert_eq!((row.0.as_str(), row.1.as_str(), row.2.clone()), (action, "user", john.to_string()));
        assert_eq!((&row.3, &row.4, row.5), (&before, &after, Some(staff_id)));
    }

    let r = send(app.as_staff(&token, Method::POST, "/api/admin/users/999999/toggle_active/")).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(audit_rows(&app).await.len(), 3, "a refused write leaves no audit row");
}

#[tokio::test]
async fn staff_cannot_lock_themselves_out_and_deactivation_ends_sessions() {
    let app = TestApp::spawn().await;
    let (me, token) = app.staff("operator").await;
    let (other, other_token) = app.staff("colleague").await;

    let r = send(app.as_staff(&token, Method::POST, &format!("/api/admin/users/{me}/toggle_active/"))).await;
    assert_error(&r, StatusCode::CONFLICT, "cannot_deactivate_self");
    let r = send(
        app.as_staff(&token, Method::PATCH, &format!("/api/admin/users/{me}/")).json(&json!({ "is_active": false })),
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "cannot_deactivate_self");
    let r = send(
        app.as_staff(&token, Method::POST, "/api/admin/users/bulk_action/")
            .json(&json!({ "ids": [me, other], "action": "deactivate" })),
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "cannot_deactivate_self");
    let (status, _) = send(app.as_staff(&other_token, Method::GET, "/api/admin/users/")).await;
    assert_eq!(status, StatusCode::OK, "the refused bulk deactivated nobody");

    // deactivating a colleague ends their sessions at once
    let (status, body) =
        send(app.as_staff(&token, Method::POST, &format!("/api/admin/users/{other}/toggle_active/"))).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "is_active": false })));
    let revoked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM staff_sessions WHERE user_id = $1 AND revoked_at IS NOT NULL")
            .bind(other)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(revoked, 1);
    let (status, _) = send(app.as_staff(&other_token, Method::GET, "/api/admin/users/")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // a service key may not deactivate the last active staff account either
    let r = send(
        app.service(Method::POST, "/api/admin/users/bulk_action/")
            .json(&json!({ "ids": [me], "action": "deactivate" })),
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "last_staff");
    let (status, _) = send(app.as_staff(&token, Method::GET, "/api/admin/users/")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn balance_moves_through_the_ledger_and_never_below_zero() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    app.fund(john, "1000.00").await;
    let adjust = |amount: &str| {
        app.as_staff(&token, Method::POST, &format!("/api/admin/users/{john}/update_balance/"))
            .json(&json!({ "amount": amount, "description": "goodwill" }))
    };

    // the original's test_update_user_balance
    let (status, body) = send(adjust("500")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "old_balance": "1000.00", "new_balance": "1500.00", "amount": "500.00" }));
    let (status, body) = send(adjust("-200.00")).await;
    assert_eq!((status, body["new_balance"].as_str()), (StatusCode::OK, Some("1300.00")), "{body}");
    let types: Vec<(String, String)> = sqlx::query_as(
        "SELECT transaction_type, description FROM ledger_transactions WHERE description = 'goodwill' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(types, vec![("bonus".into(), "goodwill".into()), ("withdrawal".into(), "goodwill".into())]);

    // a debit past the balance, zero, and nonsense change nothing
    let r = send(adjust("-1300.01")).await;
    assert_error(&r, StatusCode::CONFLICT, "insufficient_funds");
    for bad in ["0", "0.00", "abc", "1.001"] {
        let (status, body) = send(adjust(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let r = send(
        app.as_staff(&token, Method::POST, "/api/admin/users/999999/update_balance/")
            .json(&json!({ "amount": "1.00" })),
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let (_, user) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/users/{john}/"))).await;
    assert_eq!(user["balance"], "1300.00");
    app.assert_ledger_consistent().await;

    let rows: Vec<_> = audit_rows(&app).await.into_iter().filter(|r| r.0 == "user.update_balance").collect();
    assert_eq!(rows.len(), 2, "one per adjustment that happened");
    assert_eq!(rows[0].3, json!({ "balance": "1000.00" }));
    assert_eq!(rows[0].4, json!({ "balance": "1500.00", "amount": "500.00", "description": "goodwill" }));
    assert_eq!((rows[1].4["amount"].as_str(), rows[1].5), (Some("-200.00"), Some(staff_id)));
}

#[tokio::test]
async fn patch_changes_the_profile_but_never_the_balance() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    let patch = |body: Value| app.as_staff(&token, Method::PATCH, &format!("/api/admin/users/{john}/")).json(&body);

    let (status, user) = send(patch(
        json!({ "first_name": "Johnny", "role": "organizer", "phone": "79991234567", "is_verified": true }),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(
        (user["first_name"].as_str(), user["role"].as_str(), user["phone"].as_str(), user["is_verified"].as_bool()),
        (Some("Johnny"), Some("organizer"), Some("+79991234567"), Some(true))
    );
    assert_eq!((user["last_name"].as_str(), user["is_staff"].as_bool()), (Some("Doe"), Some(false)), "the rest stays");

    for bad in [json!({ "balance": "100.00" }), json!({ "email": "not an email" }), json!({ "role": "admin" })] {
        let (status, body) = send(patch(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let r =
        send(app.as_staff(&token, Method::PATCH, "/api/admin/users/999999/").json(&json!({ "first_name": "X" }))).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");

    let rows = audit_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "user.update");
    assert_eq!((rows[0].3["first_name"].as_str(), rows[0].4["first_name"].as_str()), (Some("John"), Some("Johnny")));
    assert_eq!((rows[0].3["role"].as_str(), rows[0].4["role"].as_str()), (Some("buyer"), Some("organizer")));
}

#[tokio::test]
async fn bulk_actions_change_many_and_refuse_nonsense() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    let jane = person(&app, "vk", "Jane", "Smith", "buyer").await;
    let bulk = |body: Value| app.as_staff(&token, Method::POST, "/api/admin/users/bulk_action/").json(&body);

    let (status, body) = send(bulk(json!({ "ids": [john, jane, 999999], "action": "verify" }))).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "affected": 2 })));
    let (_, body) = send(bulk(json!({ "ids": [john, jane], "action": "verify" }))).await;
    assert_eq!(body, json!({ "affected": 0 }), "already verified: nothing changes");
    let (_, body) = send(bulk(json!({ "ids": [jane], "action": "deactivate" }))).await;
    assert_eq!(body, json!({ "affected": 1 }));
    assert_eq!(ids(&list(&app, &token, "?is_active=false").await), vec![jane]);

    for bad in [
        json!({ "ids": [john], "action": "delete" }),
        json!({ "ids": [], "action": "verify" }),
        json!({ "action": "verify" }),
    ] {
        let (status, body) = send(bulk(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let rows = audit_rows(&app).await;
    let actions: Vec<(&str, String)> = rows.iter().map(|r| (r.0.as_str(), r.2.clone())).collect();
    assert_eq!(
        actions,
        vec![
            ("user.bulk_action", john.to_string()),
            ("user.bulk_action", jane.to_string()),
            ("user.bulk_action", jane.to_string())
        ]
    );
    assert_eq!(
        (&rows[2].3, &rows[2].4),
        (&json!({ "is_active": true }), &json!({ "is_active": false, "action": "deactivate" }))
    );
}

#[tokio::test]
async fn people_are_ordered_by_what_they_hold_and_what_they_spent() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    let jane = person(&app, "vk", "Jane", "Smith", "organizer").await;
    let mary = person(&app, "telegram", "Mary", "Major", "buyer").await;
    // Registration opens the balance account, so everyone has a place in the balance order.
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ledger_accounts WHERE kind = 'user_balance' AND user_id = ANY($1)")
            .bind(vec![john, jane, mary, staff_id])
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(accounts, 4);
    app.fund(john, "100.00").await;
    app.fund(jane, "300.00").await;
    app.fund(mary, "200.00").await;
    let withdraw = |who: i64, amount: &str| {
        app.as_staff(&token, Method::POST, &format!("/api/admin/users/{who}/update_balance/"))
            .json(&json!({ "amount": amount }))
    };
    for (who, amount) in [(jane, "-250.00"), (mary, "-30.00"), (mary, "-20.00")] {
        let (status, body) = send(withdraw(who, amount)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // balances: john 100, jane 50, mary 150; spent: jane 250, mary 50, john 0
    assert_eq!(ids(&list(&app, &token, "?ordering=-balance").await), vec![mary, john, jane, staff_id]);
    assert_eq!(ids(&list(&app, &token, "?ordering=balance").await), vec![staff_id, jane, john, mary]);
    let spent = list(&app, &token, "?ordering=-total_spent").await;
    assert_eq!(ids(&spent)[..2], [jane, mary]);
    assert_eq!(spent["results"][0]["total_spent"], "250.00");
    assert_eq!(spent["results"][1]["total_spent"], "50.00");
    assert!(spent.get("count_exact").is_none(), "an exact count says nothing more: {spent}");
    // Filters still apply under an account ordering.
    assert_eq!(ids(&list(&app, &token, "?ordering=-total_spent&role=organizer").await), vec![jane]);
    assert_eq!(ids(&list(&app, &token, "?ordering=-balance&search=ma").await), vec![mary]);
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn lists_past_ten_thousand_rows_say_their_count_is_an_estimate() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("operator").await;
    let john = person(&app, "telegram", "John", "Doe", "buyer").await;
    let jane = person(&app, "vk", "Jane", "Smith", "organizer").await;
    sqlx::query(
        "INSERT INTO notifications (user_id, notification_type, title, message)
         SELECT $1, 'system', 'n' || g, 'bulk' FROM generate_series(1, 10050) g",
    )
    .bind(john)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO notifications (user_id, notification_type, title, message) VALUES ($1, 'system', 'x', 'one')",
    )
    .bind(jane)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE notifications").execute(&app.pool).await.unwrap();
    let (status, all) = send(app.as_staff(&token, Method::GET, "/api/admin/notifications/")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["count_exact"], false, "{}", all["count"]);
    assert!(all["count"].as_i64().unwrap() > 10_000, "{}", all["count"]);
    assert_eq!(all["results"].as_array().unwrap().len(), 20);
    // A filter that matches few rows is counted exactly.
    let (_, few) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/notifications/?user={jane}"))).await;
    assert_eq!(few["count"].as_i64(), Some(1), "{few}");
    assert!(few.get("count_exact").is_none(), "{few}");
}
