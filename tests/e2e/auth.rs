//! Who may do what: service keys act for anyone, a user token only for its user, anonymous
//! callers only read public lists, and a bad token is refused everywhere.

use crate::support::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A HS256 token with the given claims.
fn mint(secret: &[u8], claims: Value) -> String {
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret)).unwrap()
}

async fn participant_count(app: &TestApp, id: i64) -> i64 {
    app.procurement(id).await["participant_count"].as_i64().unwrap()
}

#[tokio::test]
async fn a_user_cannot_act_for_another() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let alice = app.register("buyer").await;
    let bob = app.register("buyer").await;
    app.fund(bob, "500.00").await;

    // Joining for someone else.
    let as_alice = |method: Method, path: &str| app.as_user(alice, method, path);
    let r =
        send(as_alice(Method::POST, &format!("/api/procurements/{id}/join/")).json(&json!({ "user_id": bob }))).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(participant_count(&app, id).await, 0);

    // Bob joins himself.
    let (status, joined) = send(
        app.as_user(bob, Method::POST, &format!("/api/procurements/{id}/join/"))
            .json(&json!({ "user_id": bob, "quantity": "2" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let pid = joined["id"].as_i64().unwrap();

    // Leaving for someone else.
    let r =
        send(as_alice(Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({ "user_id": bob }))).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(participant_count(&app, id).await, 1);

    // Changing someone else's profile.
    for method in [Method::PATCH, Method::PUT] {
        let r = send(as_alice(method, &format!("/api/users/{bob}/")).json(&json!({ "first_name": "Взломщик" }))).await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, profile) = send(app.service(Method::GET, &format!("/api/users/{bob}/"))).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["first_name"], "Тест");

    // Reading someone else's data.
    for path in [
        format!("/api/users/{bob}/"),
        format!("/api/users/{bob}/balance/"),
        format!("/api/users/{bob}/role/"),
        format!("/api/payments/transactions/?user_id={bob}"),
        format!("/api/payments/transactions/summary/?user_id={bob}"),
        format!("/api/procurements/user/{bob}/"),
        format!("/api/procurements/participants/?user={bob}"),
        format!("/api/procurements/participants/{pid}/"),
    ] {
        let r = send(as_alice(Method::GET, &path)).await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let r =
        send(as_alice(Method::POST, &format!("/api/procurements/{id}/check_access/")).json(&json!({ "user_id": bob })))
            .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");

    // Paying someone else's order with their money.
    let org_confirms = send(
        app.as_user(organizer, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "confirmed" })),
    )
    .await;
    assert_eq!(org_confirms.0, StatusCode::OK, "{}", org_confirms.1);
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    let r = send(
        as_alice(Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "paid" })),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    // Neither can the organizer spend the buyer's balance.
    let r = send(
        app.as_user(organizer, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "paid" })),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let (_, b) = send(app.service(Method::GET, &format!("/api/users/{bob}/balance/"))).await;
    assert_eq!(b["balance"], "500.00");

    // Nor credit themselves: balance adjustments need the service key.
    let r = send(
        as_alice(Method::POST, &format!("/api/users/{alice}/update_balance/")).json(&json!({ "amount": "1000.00" })),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let (_, b) = send(app.service(Method::GET, &format!("/api/users/{alice}/balance/"))).await;
    assert_eq!(b["balance"], "0.00");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn anonymous_callers_cannot_write() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let (status, joined) = app.join(id, buyer, "1").await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let pid = joined["id"].as_i64().unwrap();
    let other = app.register("buyer").await;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339();

    let attempts: Vec<(Method, String, Value)> = vec![
        (Method::POST, format!("/api/procurements/{id}/join/"), json!({ "user_id": other })),
        (Method::POST, format!("/api/procurements/{id}/leave/"), json!({ "user_id": buyer })),
        (
            Method::POST,
            "/api/procurements/".into(),
            json!({ "title": "Мёд", "description": "…", "organizer": organizer, "city": "Москва",
                    "target_amount": "100.00", "deadline": deadline }),
        ),
        (Method::POST, format!("/api/procurements/{id}/update_status/"), json!({ "status": "cancelled" })),
        (Method::PATCH, format!("/api/procurements/{id}/"), json!({ "title": "Чужой мёд" })),
        (
            Method::POST,
            format!("/api/procurements/participants/{pid}/update_status/"),
            json!({ "status": "cancelled" }),
        ),
        (
            Method::POST,
            "/api/users/".into(),
            json!({ "platform": "telegram", "platform_user_id": "anon-1", "first_name": "Аноним" }),
        ),
        (Method::PATCH, format!("/api/users/{buyer}/"), json!({ "first_name": "Аноним" })),
        (Method::POST, format!("/api/users/{buyer}/update_balance/"), json!({ "amount": "1000.00" })),
        (Method::POST, "/api/auth/token/".into(), json!({ "user_id": buyer })),
        (Method::POST, "/api/procurements/categories/".into(), json!({ "name": "Мёд" })),
    ];
    for (method, path, body) in attempts {
        let r = send(app.anon(method.clone(), &path).json(&body)).await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED, "{method} {path}: {}", r.1);
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // Private reads need a caller too.
    for path in [
        format!("/api/users/{buyer}/"),
        format!("/api/users/{buyer}/balance/"),
        "/api/payments/transactions/".to_string(),
        format!("/api/procurements/participants/{pid}/"),
        "/api/users/".to_string(),
    ] {
        let r = send(app.anon(Method::GET, &path)).await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED, "GET {path}: {}", r.1);
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }

    // Nothing changed.
    let p = app.procurement(id).await;
    assert_eq!(p["status"], "active");
    assert_eq!(p["title"], "Мёд");
    assert_eq!(p["participant_count"], 1);
    assert_eq!(p["participants"][0]["status"], "pending");
    let procurements: i64 = sqlx::query_scalar("SELECT count(*) FROM procurements").fetch_one(&app.pool).await.unwrap();
    assert_eq!(procurements, 1);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&app.pool).await.unwrap();
    assert_eq!(users, 3);
    let categories: i64 = sqlx::query_scalar("SELECT count(*) FROM categories").fetch_one(&app.pool).await.unwrap();
    let (_, b) = send(app.service(Method::GET, &format!("/api/users/{buyer}/balance/"))).await;
    assert_eq!(b["balance"], "0.00");

    // Public reads work anonymously.
    for path in [
        "/api/procurements/".to_string(),
        format!("/api/procurements/{id}/"),
        format!("/api/procurements/{id}/participants/"),
        "/api/procurements/categories/".to_string(),
    ] {
        let (status, body) = send(app.anon(Method::GET, &path)).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    }
    let (_, list) = send(app.anon(Method::GET, "/api/procurements/")).await;
    assert_eq!(list["count"], 1);
    let (_, cats) = send(app.anon(Method::GET, "/api/procurements/categories/")).await;
    assert_eq!(cats.as_array().unwrap().len() as i64, categories);
}

#[tokio::test]
async fn bad_tokens_are_refused_even_on_public_reads() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let user = app.register("buyer").await;
    let secret = jwt_secret();

    // The minting works: a fresh token of ours is accepted.
    let good = mint(secret, json!({ "user_id": user, "exp": now_secs() + 600 }));
    let (status, me) = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(&good)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], user);

    let refused: Vec<(&str, String)> = vec![
        ("garbage", "Bearer not-a-token".into()),
        ("expired", format!("Bearer {}", mint(secret, json!({ "user_id": user, "exp": now_secs() - 3600 })))),
        (
            "wrong secret",
            format!(
                "Bearer {}",
                mint(b"some-other-secret-of-enough-length", json!({ "user_id": user, "exp": now_secs() + 600 }))
            ),
        ),
        ("no expiry", format!("Bearer {}", mint(secret, json!({ "user_id": user })))),
        ("tampered", format!("Bearer {}x", good)),
        ("wrong service key", format!("Bearer {SERVICE_KEY}-wrong")),
        ("not bearer", format!("Basic {SERVICE_KEY}")),
        ("bare key", SERVICE_KEY.to_string()),
    ];
    for (what, header) in &refused {
        for path in [
            "/api/procurements/".to_string(),
            format!("/api/procurements/{id}/"),
            format!("/api/procurements/{id}/participants/"),
            "/api/procurements/categories/".to_string(),
            format!("/api/users/{user}/"),
        ] {
            let r = send(app.anon(Method::GET, &path).header("authorization", header)).await;
            assert_eq!(r.0, StatusCode::UNAUTHORIZED, "{what} on GET {path}: {}", r.1);
            assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        }
        let r = send(
            app.anon(Method::POST, &format!("/api/procurements/{id}/join/"))
                .header("authorization", header)
                .json(&json!({ "user_id": user })),
        )
        .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    assert_eq!(app.procurement(id).await["participant_count"], 0);
}

#[tokio::test]
async fn a_user_token_reads_its_own_data() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let me = app.register("buyer").await;
    app.fund(me, "150.00").await;
    let (status, joined) =
        send(app.as_user(me, Method::POST, &format!("/api/procurements/{id}/join/")).json(&json!({ "user_id": me })))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let pid = joined["id"].as_i64().unwrap();

    let app = &app;
    let get = |path: String| async move {
        let (status, body) = send(app.as_user(me, Method::GET, &path)).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    };
    assert_eq!(get(format!("/api/users/{me}/")).await["id"], me);
    assert_eq!(get(format!("/api/users/{me}/balance/")).await["balance"], "150.00");
    assert_eq!(get(format!("/api/users/{me}/role/")).await["role"], "buyer");
    let own = get("/api/payments/transactions/".into()).await;
    assert_eq!(own["count"], 1);
    assert_eq!(own["results"][0]["user"], me);
    assert_eq!(own["results"][0]["amount"], "150.00");
    assert_eq!(get(format!("/api/payments/transactions/?user_id={me}")).await["count"], 1);
    assert_eq!(get(format!("/api/payments/transactions/summary/?user_id={me}")).await["current_balance"], "150.00");
    let mine = get(format!("/api/procurements/user/{me}/")).await;
    assert_eq!(mine["participating"][0]["id"], id);
    assert_eq!(mine["participating"][0]["my_amount"], "100.00");
    assert_eq!(get(format!("/api/procurements/participants/?user={me}")).await["count"], 1);
    assert_eq!(get(format!("/api/procurements/participants/{pid}/")).await["user"], me);

    // And changes its own profile.
    let (status, body) =
        send(app.as_user(me, Method::PATCH, &format!("/api/users/{me}/")).json(&json!({ "first_name": "Анна" }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["first_name"], "Анна");
    // But not the list of all users, which needs the service key.
    assert_error(&send(app.as_user(me, Method::GET, "/api/users/")).await, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn organizer_only_actions_are_refused_to_others() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let rival = app.register("organizer").await;
    let buyer = app.register("buyer").await;
    let (status, joined) = app.join(id, buyer, "1").await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let pid = joined["id"].as_i64().unwrap();

    for intruder in [rival, buyer] {
        for target in ["stopped", "cancelled"] {
            let r = send(
                app.as_user(intruder, Method::POST, &format!("/api/procurements/{id}/update_status/"))
                    .json(&json!({ "status": target })),
            )
            .await;
            assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
        }
        for method in [Method::PATCH, Method::PUT] {
            let r = send(
                app.as_user(intruder, method, &format!("/api/procurements/{id}/")).json(&json!({ "title": "Моё" })),
            )
            .await;
            assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
        }
        // Confirming an order is the organizer's.
        let r = send(
            app.as_user(intruder, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
                .json(&json!({ "status": "confirmed" })),
        )
        .await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
        // Opening a procurement in the organizer's name.
        let r = send(app.as_user(intruder, Method::POST, "/api/procurements/").json(&json!({
            "title": "Мёд", "description": "…", "organizer": organizer, "city": "Москва", "target_amount": "100.00",
            "deadline": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
        })))
        .await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let p = app.procurement(id).await;
    assert_eq!((p["status"].as_str(), p["title"].as_str()), (Some("active"), Some("Мёд")));
    assert_eq!(p["participants"][0]["status"], "pending");

    // Featuring is for staff only, even for the organizer.
    let r = send(
        app.as_user(organizer, Method::PATCH, &format!("/api/procurements/{id}/"))
            .json(&json!({ "is_featured": true })),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");

    // The organizer may do all of it.
    let (status, body) = send(
        app.as_user(organizer, Method::PATCH, &format!("/api/procurements/{id}/"))
            .json(&json!({ "title": "Липовый мёд" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["title"], "Липовый мёд");
    let (status, body) = send(
        app.as_user(organizer, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "confirmed" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send(
        app.as_user(organizer, Method::POST, &format!("/api/procurements/{id}/update_status/"))
            .json(&json!({ "status": "stopped" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "stopped");
}

#[tokio::test]
async fn drafts_are_visible_only_to_their_organizer() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({ "title": "Секретный мёд" })).await;
    let stranger = app.register("buyer").await;

    for path in [format!("/api/procurements/{id}/"), format!("/api/procurements/{id}/participants/")] {
        assert_error(&send(app.anon(Method::GET, &path)).await, StatusCode::NOT_FOUND, "not_found");
        assert_error(&send(app.as_user(stranger, Method::GET, &path)).await, StatusCode::NOT_FOUND, "not_found");
        let (status, body) = send(app.as_user(organizer, Method::GET, &path)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = send(app.service(Method::GET, &path)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, detail) = send(app.as_user(organizer, Method::GET, &format!("/api/procurements/{id}/"))).await;
    assert_eq!((detail["status"].as_str(), detail["title"].as_str()), (Some("draft"), Some("Секретный мёд")));

    let listed = |request: reqwest::RequestBuilder| async move {
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["results"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(listed(app.anon(Method::GET, "/api/procurements/")).await, Vec::<i64>::new());
    assert_eq!(listed(app.as_user(stranger, Method::GET, "/api/procurements/")).await, Vec::<i64>::new());
    assert_eq!(listed(app.anon(Method::GET, "/api/procurements/?status=draft")).await, Vec::<i64>::new());
    assert_eq!(listed(app.as_user(organizer, Method::GET, "/api/procurements/")).await, [id]);
    assert_eq!(listed(app.service(Method::GET, "/api/procurements/")).await, [id]);

    // Nobody can join a draft, and trying does not reveal that it exists.
    let r = send(
        app.as_user(stranger, Method::POST, &format!("/api/procurements/{id}/join/"))
            .json(&json!({ "user_id": stranger })),
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.procurement(id).await["participant_count"], 0);

    // Published, it is public.
    app.set_status(id, "active").await;
    let (status, body) = send(app.anon(Method::GET, &format!("/api/procurements/{id}/"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(listed(app.anon(Method::GET, "/api/procurements/")).await, [id]);
}

#[tokio::test]
async fn the_token_endpoint_needs_the_service_key_and_its_token_works() {
    let app = TestApp::spawn().await;
    let user = app.register("buyer").await;
    let other = app.register("buyer").await;

    let r = send(app.anon(Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = send(app.as_user(user, Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(app.service(Method::POST, "/api/auth/token/").json(&json!({ "user_id": 999_999 }))).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");

    let (status, issued) = send(app.service(Method::POST, "/api/auth/token/").json(&json!({ "user_id": user }))).await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    assert_eq!(issued["user_id"], user);
    let expires: chrono::DateTime<chrono::Utc> = issued["expires_at"].as_str().unwrap().parse().unwrap();
    let ahead = expires - chrono::Utc::now();
    assert!(ahead > chrono::Duration::hours(23) && ahead <= chrono::Duration::hours(24), "{ahead}");
    let token = issued["token"].as_str().unwrap();

    let (status, me) = send(app.anon(Method::GET, &format!("/api/users/{user}/")).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], user);
    let r = send(app.anon(Method::GET, &format!("/api/users/{other}/")).bearer_auth(token)).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    // It is a user token, not a service key.
    let r = send(app.anon(Method::GET, "/api/users/").bearer_auth(token)).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn staff_accounts_cannot_be_created_over_http() {
    let app = TestApp::spawn().await;
    // Extra fields on registration are ignored: the new user is a plain user.
    let (status, created) = send(app.service(Method::POST, "/api/users/").json(&json!({
        "platform": "telegram", "platform_user_id": "would-be-admin", "username": "admin",
        "first_name": "Админ", "is_staff": true, "is_superuser": true, "password": "correct horse battery",
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert!(created.get("password").is_none() && created.get("password_hash").is_none(), "{created}");

    // Nor does a profile change make anyone staff.
    let (status, body) = send(
        app.service(Method::PATCH, &format!("/api/users/{id}/"))
            .json(&json!({ "is_staff": true, "password": "x1234567" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send(
        app.as_user(id, Method::PATCH, &format!("/api/users/{id}/"))
            .json(&json!({ "is_staff": true, "is_superuser": true })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // No route creates staff or logs in with a password.
    for (method, path) in [
        (Method::POST, "/api/users/createsuperuser/".to_string()),
        (Method::POST, "/api/createsuperuser/".to_string()),
        (Method::POST, "/api/admin/users/".to_string()),
        (Method::POST, "/api/auth/login/".to_string()),
        (Method::POST, "/api/auth/staff/".to_string()),
        (Method::POST, "/admin/".to_string()),
        (Method::POST, format!("/api/users/{id}/make_staff/")),
    ] {
        let (status, body) = send(app.service(method.clone(), &path).json(&json!({
            "username": "admin", "password": "correct horse battery", "user_id": id,
        })))
        .await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
            "{method} {path}: {status} {body}"
        );
        assert!(body["code"].is_string(), "{method} {path}: {body}");
    }

    let staff: Vec<(i64, bool)> = sqlx::query_as("SELECT id, password_hash IS NOT NULL FROM users WHERE is_staff")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(staff, Vec::<(i64, bool)>::new());
    let hashed: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE password_hash IS NOT NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(hashed, 0);
}
