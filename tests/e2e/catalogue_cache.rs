//! The catalogue cache of real `groupbuy api` processes (on by default): list, search and detail
//! answers are served from memory, yet a write shows at once to whoever made it on every node,
//! drafts never leak from one kind of caller to another, and without Redis nothing is cached.

use crate::support::{Process, REDIS_URL, TestApp};
use poem::listener::Acceptor;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Who asks: nobody, the service key, or a user's token.
#[derive(Clone, Copy)]
enum As {
    Anonymous,
    Service,
    User(i64),
}

async fn get(app: &TestApp, base: &str, path: &str, who: As) -> (StatusCode, Option<String>, Value) {
    let request = reqwest::Client::new().get(format!("{base}{path}"));
    let request = match who {
        As::Anonymous => request,
        As::Service => request.bearer_auth(crate::support::SERVICE_KEY),
        As::User(id) => request.bearer_auth(app.user_token(id)),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let cache = response.headers().get("x-cache").map(|v| v.to_str().unwrap().to_string());
    (status, cache, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, base: &str, path: &str, who: As, body: Value) -> (StatusCode, Value) {
    let request = reqwest::Client::new().post(format!("{base}{path}")).json(&body);
    let request = match who {
        As::Anonymous => request,
        As::Service => request.bearer_auth(crate::support::SERVICE_KEY),
        As::User(id) => request.bearer_auth(app.user_token(id)),
    };
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

fn count_in_list(list: &Value, id: i64) -> Option<i64> {
    list["results"].as_array().unwrap().iter().find(|p| p["id"] == id).map(|p| p["participant_count"].as_i64().unwrap())
}

#[tokio::test]
async fn catalogue_cache_a_write_shows_at_once_to_its_writer_on_every_node() {
    let app = TestApp::spawn().await;
    let (id, _organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let a = Process::serve(&app, "api", REDIS_URL, None).await;
    let b = Process::serve(&app, "api", REDIS_URL, None).await;
    let detail = format!("/api/procurements/{id}/");

    // Each kind of caller fills its own entry, then is answered from it.
    for who in [As::Service, As::Anonymous, As::User(buyer)] {
        let (status, cache, body) = get(&app, &a.base, &detail, who).await;
        assert_eq!((status, cache.as_deref()), (StatusCode::OK, Some("MISS")), "{body}");
        assert_eq!(body["participant_count"], 0);
        let (_, cache, again) = get(&app, &a.base, &detail, who).await;
        assert_eq!(cache.as_deref(), Some("HIT"));
        assert_eq!(again, body);
    }
    let (_, _, list) = get(&app, &a.base, "/api/procurements/", As::Anonymous).await;
    assert_eq!(count_in_list(&list, id), Some(0));
    assert_eq!(get(&app, &a.base, "/api/procurements/", As::Anonymous).await.1.as_deref(), Some("HIT"));

    // The buyer joins through the other node; everyone's next read on the first shows it.
    let (status, joined) = post(
        &app,
        &b.base,
        &format!("/api/procurements/{id}/join/"),
        As::User(buyer),
        json!({
            "user_id": buyer, "quantity": "2"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    for who in [As::User(buyer), As::Service, As::Anonymous] {
        let (_, cache, body) = get(&app, &a.base, &detail, who).await;
        assert_eq!(cache.as_deref(), Some("MISS"), "an answer from before the join was served");
        assert_eq!(body["participant_count"], 1);
        assert_eq!(body["current_amount"], "200.00");
        assert_eq!(body["participants"].as_array().unwrap().len(), 1);
    }
    let (_, _, list) = get(&app, &a.base, "/api/procurements/", As::Anonymous).await;
    assert_eq!(count_in_list(&list, id), Some(1));
    let (_, _, found) = get(&app, &a.base, "/api/procurements/?search=%D0%BC%D1%91%D0%B4", As::Service).await;
    assert_eq!(count_in_list(&found, id), Some(1), "{found}");

    // And back through the first node: the second node's entries are stale at once.
    assert_eq!(get(&app, &b.base, &detail, As::User(buyer)).await.2["participant_count"], 1);
    let (status, left) =
        post(&app, &a.base, &format!("/api/procurements/{id}/leave/"), As::User(buyer), json!({ "user_id": buyer }))
            .await;
    assert_eq!(status, StatusCode::OK, "{left}");
    let (_, cache, body) = get(&app, &b.base, &detail, As::User(buyer)).await;
    assert_eq!((cache.as_deref(), &body["participant_count"]), (Some("MISS"), &json!(0)));
}

#[tokio::test]
async fn catalogue_cache_a_refused_write_changes_nothing_and_drafts_stay_with_who_may_see_them() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let draft = app.draft(organizer, json!({ "title": "Черновик сыра" })).await;
    let stranger = app.register("buyer").await;
    let a = Process::serve(&app, "api", REDIS_URL, None).await;
    let detail = format!("/api/procurements/{id}/");

    // The service key and the organizer see the draft; the cached answers they got are never
    // handed to anyone else.
    let listed = |list: &Value| list["results"].as_array().unwrap().iter().any(|p| p["id"] == draft);
    for (who, sees) in
        [(As::Service, true), (As::User(organizer), true), (As::Anonymous, false), (As::User(stranger), false)]
    {
        for _ in 0..2 {
            let (status, _, list) = get(&app, &a.base, "/api/procurements/", who).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(listed(&list), sees, "{list}");
            let (status, _, _) = get(&app, &a.base, &format!("/api/procurements/{draft}/"), who).await;
            assert_eq!(status == StatusCode::OK, sees, "{status}");
        }
    }

    // A refused join (a stranger acting for someone else, then a quantity of nothing) leaves the
    // cached answer current.
    assert_eq!(get(&app, &a.base, &detail, As::Anonymous).await.1.as_deref(), Some("MISS"));
    let join = format!("/api/procurements/{id}/join/");
    let (status, _) = post(&app, &a.base, &join, As::User(stranger), json!({ "user_id": organizer })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        post(&app, &a.base, &join, As::User(stranger), json!({ "user_id": stranger, "quantity": "0" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, cache, body) = get(&app, &a.base, &detail, As::Anonymous).await;
    assert_eq!((cache.as_deref(), &body["participant_count"]), (Some("HIT"), &json!(0)));
    // Errors are not kept: a page past the end is asked again each time.
    for _ in 0..2 {
        let (status, cache, _) = get(&app, &a.base, "/api/procurements/?page=99", As::Anonymous).await;
        assert_eq!((status, cache), (StatusCode::NOT_FOUND, None));
    }
}

#[tokio::test]
async fn catalogue_cache_without_redis_every_answer_comes_from_postgresql() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    // Nothing listens on port 1: every version check fails at once.
    let cache = api::public_cache::PublicCache::new(
        std::time::Duration::from_secs(5),
        &redis::Client::open("redis://127.0.0.1:1").unwrap(),
        &app.namespace,
    )
    .unwrap();
    let acceptor = api::listener::bind("127.0.0.1:0").await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(api::app_with(
        app.state.clone(),
        api::cors::Cors::default(),
        cache,
    )));
    let base = format!("http://{addr}");
    let detail = format!("/api/procurements/{id}/");
    for _ in 0..2 {
        let (status, cache, body) = get(&app, &base, &detail, As::Anonymous).await;
        assert_eq!((status, cache), (StatusCode::OK, None));
        assert_eq!(body["id"], id);
    }
    let buyer = app.register("buyer").await;
    let (status, _) =
        post(&app, &base, &format!("/api/procurements/{id}/join/"), As::Service, json!({ "user_id": buyer })).await;
    assert_eq!(status, StatusCode::CREATED, "a write answers even when the version cannot be counted");
    assert_eq!(get(&app, &base, &detail, As::Anonymous).await.2["participant_count"], 1);
}

#[tokio::test]
async fn catalogue_cache_a_join_through_the_bot_shows_at_once_in_the_api() {
    use crate::bot_harness::{assert_says, engine, private};
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let a = Process::serve(&app, "api", REDIS_URL, None).await;
    let detail = format!("/api/procurements/{id}/");
    // The bot of the same installation: the same Redis namespace as the API's.
    let bot = engine(&app, &app.namespace).await;
    let chat = private(&bot, bots::runtime::Platform::Telegram, None);
    let buyer = chat.register(&app, "Борис", "buyer").await;
    get(&app, &a.base, &detail, As::User(buyer)).await;
    assert_eq!(get(&app, &a.base, &detail, As::User(buyer)).await.1.as_deref(), Some("HIT"));

    assert_says(&chat.press(&format!("join_proc_{id}")).await, "Сколько");
    chat.say("2").await;
    assert_says(&chat.press(&format!("confirm_join_{id}")).await, "Вы присоединились");
    let (_, cache, body) = get(&app, &a.base, &detail, As::User(buyer)).await;
    assert_eq!((cache.as_deref(), &body["participant_count"]), (Some("MISS"), &json!(1)));
}
