//! Chat moderation at `/api/admin/messages/`: every room's messages with filters and search, and
//! `toggle_delete` through the chat's own change, so the room gets the `deleted` frame.

use crate::admin_ops::{audit_rows, refused_to_outsiders};
use crate::support::*;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, procurement: i64, user: i64, text: &str) -> i64 {
    let (status, body) = send(
        app.service(Method::POST, "/api/chat/messages/")
            .json(&json!({ "procurement_id": procurement, "user_id": user, "text": text })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn messages_are_listed_filtered_and_moderated_and_the_room_sees_it() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("moderator").await;
    let (honey, organizer) = app.active(json!({ "title": "Мёд" })).await;
    let (tea, other) = app.active(json!({ "title": "Чай" })).await;
    let hello = post(&app, honey, organizer, "Hello everyone").await;
    let spam = post(&app, honey, organizer, "Buy cheap watches").await;
    let tea_hello = post(&app, tea, other, "hello from tea").await;
    let get = |query: &str| send(app.as_staff(&token, Method::GET, &format!("/api/admin/messages/?{query}")));
    let ids = |page: &Value| -> Vec<i64> {
        page["results"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect()
    };

    let (status, all) = get("").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(ids(&all), vec![tea_hello, spam, hello], "newest first");
    let item = &all["results"][1];
    for key in [
        "id",
        "seq",
        "procurement",
        "user",
        "user_name",
        "message_type",
        "text",
        "attachment_url",
        "is_edited",
        "is_deleted",
        "created_at",
        "updated_at",
        "procurement_title",
    ] {
        assert!(item.get(key).is_some(), "{key} missing: {item}");
    }
    assert_eq!(item["procurement_title"], "Мёд");
    assert_eq!(ids(&get(&format!("procurement={honey}")).await.1), vec![spam, hello]);
    assert_eq!(ids(&get(&format!("user={other}")).await.1), vec![tea_hello]);
    assert_eq!(ids(&get("search=HELLO").await.1), vec![tea_hello, hello], "any case");
    assert_eq!(ids(&get("ordering=id").await.1), vec![hello, spam, tea_hello]);

    // The room hears the deletion as when the author deletes.
    let client = redis::Client::open(REDIS_URL).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub.subscribe(workflows::chat::room_channel(&app.namespace, honey)).await.unwrap();
    let toggle =
        |id: i64| send(app.as_staff(&token, Method::POST, &format!("/api/admin/messages/{id}/toggle_delete/")));
    assert_eq!(toggle(spam).await, (StatusCode::OK, json!({ "is_deleted": true })));
    {
        let mut frames = pubsub.on_message();
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), frames.next()).await.unwrap().unwrap();
        let frame: Value = serde_json::from_str(&frame.get_payload::<String>().unwrap()).unwrap();
        assert_eq!((frame["type"].as_str(), frame["id"].as_i64()), (Some("deleted"), Some(spam)), "{frame}");
    }
    assert_eq!(ids(&get("is_deleted=true").await.1), vec![spam]);
    assert_eq!(ids(&get("is_deleted=false").await.1), vec![tea_hello, hello]);
    let (_, public) = send(app.service(Method::GET, &format!("/api/chat/messages/?procurement_id={honey}"))).await;
    assert_eq!(public["count"], 1, "the room's list leaves it out: {public}");

    // Toggling again restores it; the room gets it back as an edit.
    assert_eq!(toggle(spam).await, (StatusCode::OK, json!({ "is_deleted": false })));
    {
        let mut frames = pubsub.on_message();
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), frames.next()).await.unwrap().unwrap();
        let frame: Value = serde_json::from_str(&frame.get_payload::<String>().unwrap()).unwrap();
        assert_eq!((frame["type"].as_str(), frame["id"].as_i64()), (Some("edited"), Some(spam)), "{frame}");
        assert_eq!(frame["is_deleted"], false);
    }

    let rows = audit_rows(&app, "message").await;
    assert_eq!(rows.len(), 2);
    let spam_id = spam.to_string();
    assert!(rows.iter().all(|r| r["action"] == "message.toggle_delete" && r["entity_id"] == spam_id.as_str()));
    assert_eq!(
        (rows[1]["before"]["is_deleted"].as_bool(), rows[1]["after"]["is_deleted"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(rows[1]["before"]["text"], "Buy cheap watches");
    assert_eq!(rows[0]["after"]["is_deleted"], false);

    assert_error(&toggle(999_999).await, StatusCode::NOT_FOUND, "not_found");
    for bad in ["is_deleted=maybe", "ordering=text", "procurement=abc", "page_size=0"] {
        let (status, body) = get(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    assert_eq!(audit_rows(&app, "message").await.len(), 2, "refusals leave no row");
    refused_to_outsiders(&app, Method::GET, "/api/admin/messages/", organizer).await;
    refused_to_outsiders(&app, Method::POST, &format!("/api/admin/messages/{hello}/toggle_delete/"), organizer).await;
    let (_, untouched) = get(&format!("procurement={honey}&is_deleted=true")).await;
    assert_eq!(untouched["count"], 0, "a refused toggle changed nothing");
}
