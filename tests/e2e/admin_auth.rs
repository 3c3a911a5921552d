//! Staff login at `/api/admin/auth/`: the session cookie with its CSRF token, staff bearer
//! tokens, logout on the server, refusals that tell nothing, the attempt limit, and the audit
//! log that cannot be rewritten.

use crate::support::*;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::json;

/// The cookies a response sets, as `name=value` pairs, and their full `Set-Cookie` lines.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

fn cookie_value(lines: &[String], name: &str) -> Option<String> {
    lines.iter().find_map(|l| l.split(';').next()?.strip_prefix(&format!("{name}=")).map(str::to_string))
}

async fn log_in(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.anon(Method::POST, "/api/admin/auth/")
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_log_in_with_a_cookie_session_and_writes_need_the_csrf_token() {
    let app = TestApp::spawn().await;
    let (staff_id, _) = app.staff("operator").await;

    // The app's first call: nobody is logged in, and it is handed a readable CSRF cookie.
    let response = app.anon(Method::GET, "/api/admin/auth/").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let lines = set_cookies(&response);
    let csrf = cookie_value(&lines, "csrftoken").expect("a csrftoken cookie");
    assert!(!lines.iter().any(|l| l.starts_with("csrftoken=") && l.contains("HttpOnly")), "{lines:?}");

    let response = log_in(&app, "operator", STAFF_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let lines = set_cookies(&response);
    let session_line = lines.iter().find(|l| l.starts_with("gb_admin_session=")).expect("a session cookie").clone();
    assert!(session_line.contains("HttpOnly") && session_line.contains("SameSite=Strict"), "{session_line}");
    assert!(!session_line.contains("Secure"), "plain http here: {session_line}");
    let session = cookie_value(&lines, "gb_admin_session").unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["id"], staff_id);
    assert_eq!(body["username"], "operator");
    assert_eq!(body["is_staff"], true);
    assert_eq!(body["is_superuser"], true);
    assert_eq!(body["token"], session.as_str(), "the bearer token is the session's secret");

    let cookies = format!("gb_admin_session={session}; csrftoken={csrf}");
    let (status, me) = send(app.anon(Method::GET, "/api/admin/auth/").header("cookie", &cookies)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        me,
        json!({ "id": staff_id, "username": "operator", "email": "", "is_staff": true, "is_superuser": true })
    );

    // A write with the cookie but without the token echoed (what a cross-site form would send).
    let r = send(app.anon(Method::DELETE, "/api/admin/auth/").header("cookie", &cookies)).await;
    assert_error(&r, StatusCode::FORBIDDEN, "csrf_failed");
    let r =
        send(app.anon(Method::DELETE, "/api/admin/auth/").header("cookie", &cookies).header("X-CSRFToken", "forged"))
            .await;
    assert_error(&r, StatusCode::FORBIDDEN, "csrf_failed");
    let (status, _) = send(app.anon(Method::GET, "/api/admin/auth/").header("cookie", &cookies)).await;
    assert_eq!(status, StatusCode::OK, "a refused write changed nothing");

    // Logging out with the token echoed ends the session on the server, and removes the cookie.
    let response = app
        .anon(Method::DELETE, "/api/admin/auth/")
        .header("cookie", &cookies)
        .header("X-CSRFToken", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let lines = set_cookies(&response);
    assert!(lines.iter().any(|l| l.starts_with("gb_admin_session=;") && l.contains("Max-Age=0")), "{lines:?}");
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["detail"], "Logged out");
    let (status, _) = send(app.anon(Method::GET, "/api/admin/auth/").header("cookie", &cookies)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old cookie no longer works");
    let (status, _) = send(app.as_staff(&session, Method::GET, "/api/admin/jobs/stats")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nor does the same secret as a bearer token");
}

#[tokio::test]
async fn a_staff_bearer_token_works_until_logout() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("ops-bot").await;
    let (status, me) = send(app.as_staff(&token, Method::GET, "/api/admin/auth/")).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], staff_id);
    let (status, body) = send(app.as_staff(&token, Method::GET, "/api/admin/jobs/stats")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // No CSRF for bearer tokens: browsers never send them by themselves.
    let (status, body) = send(app.as_staff(&token, Method::DELETE, "/api/admin/auth/")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = send(app.as_staff(&token, Method::GET, "/api/admin/jobs/stats")).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let (status, _) = send(app.as_staff(&token, Method::GET, "/api/admin/auth/")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_unknown_names_and_people_all_get_the_same_401() {
    let app = TestApp::spawn().await;
    app.staff("operator").await;
    let buyer = app.register("buyer").await;
    let person_name: String =
        sqlx::query_scalar("SELECT username FROM users WHERE id = $1").bind(buyer).fetch_one(&app.pool).await.unwrap();

    let mut bodies = Vec::new();
    for (username, password) in [
        ("operator", "wrong password!"),
        ("nobody-here", STAFF_PASSWORD),
        (person_name.as_str(), STAFF_PASSWORD),
        ("", ""),
    ] {
        let response = log_in(&app, username, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{username}");
        assert!(set_cookies(&response).iter().all(|l| !l.starts_with("gb_admin_session")), "{username}");
        bodies.push(response.json::<serde_json::Value>().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "one answer for every refusal: {bodies:?}");
    assert_eq!(bodies[0]["code"], "invalid_credentials");

    // Malformed bodies are a 400, not a login attempt.
    let r = send(app.anon(Method::POST, "/api/admin/auth/").json(&json!({ "username": "operator" }))).await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);
    let r = send(app.anon(Method::POST, "/api/admin/auth/").json(&json!({ "username": 5, "password": "x" }))).await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM staff_sessions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(sessions, 1, "only the helper's own login opened a session");
}

#[tokio::test]
async fn admin_routes_refuse_nobody_with_401_and_people_with_403() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let r = send(app.anon(Method::GET, "/api/admin/jobs/stats")).await;
    assert_eq!(r.0, StatusCode::UNAUTHORIZED, "{}", r.1);
    let r = send(app.as_user(buyer, Method::GET, "/api/admin/jobs/stats")).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    // A forged staff token is refused outright, not treated as anonymous.
    let r = send(app.as_staff("gbs_0123456789abcdef", Method::GET, "/api/procurements/")).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    // A stale session cookie is no login, but breaks no public page either.
    let (status, _) =
        send(app.anon(Method::GET, "/api/procurements/").header("cookie", "gb_admin_session=gbs_stale")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn failed_logins_are_limited_per_name_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    app.staff("operator").await;
    app.staff("colleague").await;
    for _ in 0..5 {
        assert_eq!(log_in(&app, "operator", "guess guess guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let response = log_in(&app, "operator", STAFF_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["code"], "too_many_attempts");
    // An unknown name is limited the same way (the limit tells nothing about who exists).
    for _ in 0..5 {
        log_in(&app, "ghost", "guess guess guess").await;
    }
    assert_eq!(log_in(&app, "ghost", "guess").await.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another name from the same address is still fine (the address limit is higher).
    assert_eq!(log_in(&app, "colleague", STAFF_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_losing_staff_rights_ends_access() {
    let app = TestApp::spawn().await;
    let (id, token) = app.staff("operator").await;
    let mut conn = app.pool.acquire().await.unwrap();
    workflows::users::create_staff(&mut conn, "operator", "a brand new password").await.unwrap();
    let (status, _) = send(app.as_staff(&token, Method::GET, "/api/admin/auth/")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(log_in(&app, "operator", STAFF_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let response = log_in(&app, "operator", "a brand new password").await;
    assert_eq!(response.status(), StatusCode::OK);
    let token = response.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1").bind(id).execute(&mut *conn).await.unwrap();
    let (status, _) = send(app.as_staff(&token, Method::GET, "/api/admin/auth/")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a deactivated account's session stops at once");
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let app = TestApp::spawn().await;
    let (id, _) = app.staff("operator").await;
    let mut tx = app.pool.begin().await.unwrap();
    let change = workflows::staff::audit::Change {
        action: "user.toggle_active",
        entity: "user",
        entity_id: "7".into(),
        before: Some(json!({ "is_active": true })),
        after: Some(json!({ "is_active": false })),
    };
    workflows::staff::audit::record(&mut tx, workflows::staff::Operator::Staff(id), change).await.unwrap();
    tx.commit().await.unwrap();
    let row: (Option<i64>, String, String) =
        sqlx::query_as("SELECT staff_id, staff_username, actor FROM audit_log").fetch_one(&app.pool).await.unwrap();
    assert_eq!(row, (Some(id), "operator".into(), "staff".into()));
    for statement in ["UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
        let err = sqlx::query(statement).execute(&app.pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{statement}: {err}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1);
}
