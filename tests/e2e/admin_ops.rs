//! Staff operations at `/api/admin/`: dead letters (search, retry and discard one or all
//! matching, against real Redis), the broadcast history, the doctor's report and the audit log
//! with its filters. Also the helpers the other `admin_*` tests share.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use workflows::jobs::Job;

/// Anonymous callers get 401 and people's tokens 403, before anything happens.
pub async fn refused_to_outsiders(app: &TestApp, method: Method, path: &str, person: i64) {
    let body = json!({ "queue": "payments", "name": "Nope", "title": "t", "message": "m" });
    let anonymous = send(app.anon(method.clone(), path).json(&body)).await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED, "{method} {path} anonymous: {}", anonymous.1);
    assert!(anonymous.1["error"].as_str().is_some_and(|e| !e.is_empty()), "{}", anonymous.1);
    let person = send(app.as_user(person, method.clone(), path).json(&body)).await;
    assert_error(&person, StatusCode::FORBIDDEN, "forbidden");
}

/// The audit log's rows about `entity`, newest first (read with the service key).
pub async fn audit_rows(app: &TestApp, entity: &str) -> Vec<Value> {
    let (status, page) =
        send(app.service(Method::GET, &format!("/api/admin/audit/?entity={entity}&page_size=100"))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["results"].as_array().unwrap().clone()
}

/// A dead job in `queue`, written the way apalis-redis lays one out (see `workers/src/admin.rs`).
async fn dead_job(app: &TestApp, queue: &str, job: &Job, error: &str) -> String {
    let id = job.task_id();
    let ns = &app.namespace;
    let mut conn = redis::Client::open(REDIS_URL).unwrap().get_multiplexed_async_connection().await.unwrap();
    redis::pipe()
        .sadd(format!("{ns}:{queue}:dead"), &id)
        .hset(format!("{ns}:{queue}:data"), &id, serde_json::to_string(job).unwrap())
        .hset(format!("{ns}:{queue}:meta:{id}"), "attempts", "8")
        .hset(format!("{ns}:{queue}:meta:{id}"), "result", error)
        .exec_async(&mut conn)
        .await
        .unwrap();
    id
}

async fn dead_ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (status, dead) = send(app.as_staff(token, Method::GET, &format!("/api/admin/jobs/dead/?{query}"))).await;
    assert_eq!(status, StatusCode::OK, "{dead}");
    dead.as_array().unwrap().iter().map(|j| j["task_id"].as_str().unwrap().to_string()).collect()
}

/// Jobs on `queue` waiting to run, now or later.
async fn waiting_in(app: &TestApp, token: &str, queue: &str) -> u64 {
    let (status, stats) = send(app.as_staff(token, Method::GET, "/api/admin/jobs/stats")).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    let counts = stats.as_array().unwrap().iter().find(|s| s["queue"] == queue).unwrap().clone();
    counts["waiting"].as_u64().unwrap() + counts["scheduled"].as_u64().unwrap()
}

#[tokio::test]
async fn dead_letters_are_searched_retried_and_discarded_one_or_all_with_audit_rows() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("oncall").await;
    let refused = dead_job(&app, "payments", &Job::CapturePayment { participant_id: 7 }, "the bank said no").await;
    let slow = dead_job(&app, "payments", &Job::CapturePayment { participant_id: 8 }, "timeout").await;
    let op = dead_job(&app, "payments", &Job::BankOperation { key: "op-42".into() }, "The Bank said no").await;
    let post = |path: &str, body: Value| send(app.as_staff(&token, Method::POST, path).json(&body));

    assert_eq!(dead_ids(&app, &token, "queue=payments").await.len(), 3);
    let mut by_error = dead_ids(&app, &token, "queue=payments&search=BANK%20SAID").await;
    by_error.sort();
    let mut expected = vec![refused.clone(), op.clone()];
    expected.sort();
    assert_eq!(by_error, expected, "the error text, any case");
    assert_eq!(dead_ids(&app, &token, "queue=payments&search=op-42").await, vec![op.clone()], "the job's JSON");
    assert_eq!(dead_ids(&app, &token, "queue=payments&search=participant_id%22%3A8").await, vec![slow.clone()]);
    assert!(dead_ids(&app, &token, "queue=refunds").await.is_empty());
    let unknown = send(app.as_staff(&token, Method::GET, "/api/admin/jobs/dead/?queue=nowhere")).await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "validation_error");

    // one: back on its queue under a new id, and no longer dead
    let (status, body) = post("/api/admin/jobs/dead/retry/", json!({ "queue": "payments", "task_id": refused })).await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({ "affected": 1 })));
    assert_eq!(waiting_in(&app, &token, "payments").await, 1);
    assert_eq!(dead_ids(&app, &token, "queue=payments").await.len(), 2);
    let again = post("/api/admin/jobs/dead/retry/", json!({ "queue": "payments", "task_id": refused })).await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");
    let nowhere = post("/api/admin/jobs/dead/retry/", json!({ "queue": "nowhere" })).await;
    assert_error(&nowhere, StatusCode::BAD_REQUEST, "validation_error");
    assert_eq!(post("/api/admin/jobs/dead/retry/", json!({})).await.0, StatusCode::BAD_REQUEST);

    // discard all matching a search, then one by id
    let (status, body) =
        post("/api/admin/jobs/dead/discard/", json!({ "queue": "payments", "search": "timeout" })).await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({ "affected": 1 })));
    assert_eq!(dead_ids(&app, &token, "queue=payments").await, vec![op.clone()]);
    let missing = post("/api/admin/jobs/dead/discard/", json!({ "queue": "payments", "task_id": slow })).await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = post("/api/admin/jobs/dead/discard/", json!({ "queue": "payments", "task_id": op })).await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({ "affected": 1 })));
    assert!(dead_ids(&app, &token, "queue=payments").await.is_empty());
    let ns = &app.namespace;
    let mut conn = redis::Client::open(REDIS_URL).unwrap().get_multiplexed_async_connection().await.unwrap();
    let payload: Option<String> =
        redis::AsyncCommands::hget(&mut conn, format!("{ns}:payments:data"), &op).await.unwrap();
    assert_eq!(payload, None, "a discarded job's payload is gone");

    // all of a queue
    for participant_id in [20, 21] {
        dead_job(&app, "refunds", &Job::RefundPayment { participant_id }, "boom").await;
    }
    let (status, body) = post("/api/admin/jobs/dead/retry/", json!({ "queue": "refunds" })).await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({ "affected": 2 })));
    assert_eq!(waiting_in(&app, &token, "refunds").await, 2);
    let (_, body) = post("/api/admin/jobs/dead/discard/", json!({ "queue": "refunds" })).await;
    assert_eq!(body, json!({ "affected": 0 }), "nothing dead is left");

    let rows = audit_rows(&app, "job").await;
    let actions: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["action"].as_str().unwrap(), r["entity_id"].as_str().unwrap())).collect();
    assert_eq!(
        actions,
        [
            ("job.discard", "refunds"),
            ("job.retry", "refunds"),
            ("job.discard", op.as_str()),
            ("job.discard", "payments"),
            ("job.retry", refused.as_str()),
        ],
        "a row per action that was carried out, none for refusals"
    );
    assert!(rows.iter().all(|r| r["staff_id"] == staff_id && r["actor"] == "staff"));
    assert_eq!(rows[4]["before"]["jobs"][0]["error"], "the bank said no");
    assert_eq!(rows[4]["after"]["affected"], 1);
    assert_eq!(rows[3]["after"]["search"], "timeout");
    assert_eq!(rows[1]["after"]["affected"], 2);

    // The original route is audited too.
    let again = dead_job(&app, "payments", &Job::CapturePayment { participant_id: 9 }, "no").await;
    let (status, body) = post("/api/admin/jobs/retry", json!({ "queue": "payments", "task_id": again })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let newest = &audit_rows(&app, "job").await[0];
    assert_eq!((newest["action"].as_str(), newest["entity_id"].as_str()), (Some("job.retry"), Some(again.as_str())));
    assert_eq!(newest["after"]["new_task_ids"][0], body["new_task_id"]);

    let person = app.register("buyer").await;
    refused_to_outsiders(&app, Method::GET, "/api/admin/jobs/dead/?queue=payments", person).await;
    refused_to_outsiders(&app, Method::GET, "/api/admin/jobs/stats", person).await;
    refused_to_outsiders(&app, Method::POST, "/api/admin/jobs/dead/retry/", person).await;
    refused_to_outsiders(&app, Method::POST, "/api/admin/jobs/dead/discard/", person).await;
}

#[tokio::test]
async fn the_broadcast_history_and_the_doctor_report() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("oncall").await;
    for text in ["first", "second"] {
        let (status, body) = send(app.service(Method::POST, "/api/broadcasts/").json(&json!({
            "text": text, "targets": [{ "platform": "telegram", "chat_id": "123" }, { "platform": "vk", "chat_id": "5" }]
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, history) = send(app.as_staff(&token, Method::GET, "/api/admin/broadcasts/")).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history["count"], 2);
    let newest = &history["results"][0];
    assert_eq!(newest["text"], "second", "newest first");
    assert_eq!((newest["status"].as_str(), newest["targets"].as_i64()), (Some("draft"), Some(2)));
    for key in ["sent", "failed", "pending"] {
        assert!(newest[key].is_i64(), "{key}: {newest}");
    }
    let (_, page) = send(app.as_staff(&token, Method::GET, "/api/admin/broadcasts/?page_size=1&page=2")).await;
    assert_eq!(page["results"][0]["text"], "first", "{page}");

    let (status, report) = send(app.as_staff(&token, Method::GET, "/api/admin/doctor/")).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["ok"], true, "{report}");
    let names: Vec<&str> = report["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    for name in ["ledger_sum", "transaction_balance", "account_balance", "escrow", "bank_balance", "deposit", "staff"] {
        assert!(names.contains(&name), "{name}: {report}");
    }
    assert!(report["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true && c["detail"] == "ok"));

    // A balance that no longer equals its entries is what the doctor is for.
    let buyer = app.register("buyer").await;
    app.fund(buyer, "10.00").await;
    sqlx::query("UPDATE ledger_accounts SET balance = balance + 1 WHERE kind = 'user_balance' AND user_id = $1")
        .bind(buyer)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, report) = send(app.as_staff(&token, Method::GET, "/api/admin/doctor/")).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["ok"], false, "{report}");
    let drift = report["checks"].as_array().unwrap().iter().find(|c| c["name"] == "account_balance").unwrap();
    assert_eq!(drift["ok"], false);
    assert!(drift["detail"].as_str().unwrap().contains("11.00"), "{drift}");

    refused_to_outsiders(&app, Method::GET, "/api/admin/broadcasts/", buyer).await;
    refused_to_outsiders(&app, Method::GET, "/api/admin/doctor/", buyer).await;
    refused_to_outsiders(&app, Method::GET, "/api/admin/audit/", buyer).await;
}

#[tokio::test]
async fn the_audit_log_is_filtered_newest_first_and_cannot_be_rewritten() {
    let app = TestApp::spawn().await;
    let (alice, alice_token) = app.staff("alice").await;
    let (_, bob_token) = app.staff("bob").await;
    let create = |token: Option<&str>, name: &str| {
        let body = json!({ "name": name });
        let request = match token {
            Some(token) => app.as_staff(token, Method::POST, "/api/admin/categories/"),
            None => app.service(Method::POST, "/api/admin/categories/"),
        };
        async move {
            let (status, created) = send(request.json(&body)).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            created["id"].as_i64().unwrap()
        }
    };
    let first = create(Some(&alice_token), "One").await;
    create(Some(&bob_token), "Two").await;
    create(None, "Three").await;
    let (status, _) = send(
        app.as_staff(&alice_token, Method::PATCH, &format!("/api/admin/categories/{first}/"))
            .json(&json!({ "name": "Uno" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let get = |query: &str| send(app.as_staff(&bob_token, Method::GET, &format!("/api/admin/audit/?{query}")));

    let (status, all) = get("").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["count"], 4, "{all}");
    let newest = &all["results"][0];
    let keys: Vec<&String> = newest.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["action", "actor", "after", "before", "created_at", "entity", "entity_id", "id", "staff_id", "staff_username"]
    );
    assert_eq!(newest["action"], "category.update");
    assert_eq!((newest["staff_id"].as_i64(), newest["staff_username"].as_str()), (Some(alice), Some("alice")));
    let service = &all["results"][1];
    assert_eq!((service["actor"].as_str(), service["staff_id"].is_null()), (Some("service"), true));

    assert_eq!(get(&format!("staff={alice}")).await.1["count"], 2);
    assert_eq!(get("action=category.create").await.1["count"], 3);
    assert_eq!(get("action=category.").await.1["count"], 4, "a prefix ending in a dot");
    assert_eq!(get("action=category").await.1["count"], 0, "otherwise exact");
    assert_eq!(get(&format!("entity=category&entity_id={first}")).await.1["count"], 2);
    let today = chrono::Utc::now().date_naive();
    assert_eq!(get(&format!("date_from={today}&date_to={today}")).await.1["count"], 4);
    assert_eq!(get(&format!("date_from={}", today + chrono::Duration::days(1))).await.1["count"], 0);
    assert_eq!(get(&format!("date_to={}", today - chrono::Duration::days(1))).await.1["count"], 0);
    let (_, oldest) = get("ordering=created_at&page_size=1").await;
    assert_eq!(oldest["results"][0]["after"]["name"], "One", "{oldest}");
    for bad in ["date_from=monday", "ordering=staff_username", "page_size=1000", "staff=abc"] {
        let (status, body) = get(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }

    let rewritten = sqlx::query("UPDATE audit_log SET action = 'nothing'").execute(&app.pool).await;
    assert!(rewritten.is_err(), "append-only");
    let erased = sqlx::query("DELETE FROM audit_log").execute(&app.pool).await;
    assert!(erased.is_err(), "append-only");
    assert_eq!(get("").await.1["count"], 4);
}

/// The admin app's way in: the session cookie on every admin route, with the CSRF token echoed on
/// writes; the audit row names the staff member of the session.
#[tokio::test]
async fn a_cookie_session_reads_and_writes_with_its_csrf_token() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("browser").await;
    let csrf = "0123456789abcdef0123456789abcdef";
    let cookies = format!("gb_admin_session={token}; csrftoken={csrf}");

    let (status, list) = send(app.anon(Method::GET, "/api/admin/categories/").header("cookie", &cookies)).await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));
    let body = json!({ "name": "From the app" });
    let forged = send(app.anon(Method::POST, "/api/admin/categories/").header("cookie", &cookies).json(&body)).await;
    assert_error(&forged, StatusCode::FORBIDDEN, "csrf_failed");
    let (status, created) = send(
        app.anon(Method::POST, "/api/admin/categories/")
            .header("cookie", &cookies)
            .header("X-CSRFToken", csrf)
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let rows = audit_rows(&app, "category").await;
    assert_eq!(rows.len(), 1, "the forged write left nothing");
    assert_eq!((rows[0]["staff_id"].as_i64(), rows[0]["staff_username"].as_str()), (Some(staff_id), Some("browser")));

    let stale =
        send(app.anon(Method::GET, "/api/admin/categories/").header("cookie", "gb_admin_session=gbs_stale")).await;
    assert_eq!(stale.0, StatusCode::UNAUTHORIZED, "{}", stale.1);
}
