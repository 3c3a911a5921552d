//! Chat over REST: the list, edits and deletes with their permissions and live frames, read
//! marks and unread counts.

use crate::sockets::*;
use crate::support::{TestApp, assert_error, send};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn chat_rest_list_is_oldest_first_without_deleted_ones_for_members_only() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let stranger = app.register("buyer").await;
    let mut ids = Vec::new();
    for i in 0..23 {
        ids.push(
            post(&app, procurement, if i % 2 == 0 { organizer } else { buyer }, &format!("m{i}")).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let (status, _) = send(app.as_user(organizer, Method::DELETE, &format!("/api/chat/messages/{}/", ids[0]))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let list = format!("/api/chat/messages/?procurement_id={procurement}");
    let (status, page) = send(app.as_user(buyer, Method::GET, &list)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["count"], 22);
    assert_eq!(page["results"][0]["text"], "m1");
    assert_eq!(page["results"].as_array().unwrap().len(), 20);
    let first = &page["results"][0];
    for field in [
        "id",
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
    ] {
        assert!(first.get(field).is_some(), "{field} missing: {first}");
    }
    let (_, second) = send(app.as_user(buyer, Method::GET, &format!("{list}&page=2"))).await;
    assert_eq!(second["results"][1]["text"], "m22");
    assert_eq!(send(app.service(Method::GET, &list)).await.0, StatusCode::OK);
    assert_error(&send(app.as_user(stranger, Method::GET, &list)).await, StatusCode::FORBIDDEN, "forbidden");
    assert_error(&send(app.anon(Method::GET, &list)).await, StatusCode::UNAUTHORIZED, "unauthorized");
    // Strangers cannot post either, and a refused post stores nothing.
    let refused = send(
        app.as_user(stranger, Method::POST, "/api/chat/messages/")
            .json(&json!({ "procurement_id": procurement, "text": "hi" })),
    )
    .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let blank = send(
        app.as_user(buyer, Method::POST, "/api/chat/messages/")
            .json(&json!({ "procurement_id": procurement, "text": " " })),
    )
    .await;
    assert_error(&blank, StatusCode::BAD_REQUEST, "validation_error");
    assert_eq!(stored(&app, procurement).await, 23);
}

#[tokio::test]
async fn chat_rest_edit_by_the_author_only_delete_by_author_organizer_or_staff() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let other = app.register("buyer").await;
    assert_eq!(app.join(procurement, other, "1").await.0, StatusCode::CREATED);
    let (mut org, _) = join_room(&app, &app.base, procurement, organizer, None).await;
    let message = post(&app, procurement, buyer, "исходный").await;
    let path = format!("/api/chat/messages/{}/", message["id"]);

    let edit = |user: i64| app.as_user(user, Method::PATCH, &path).json(&json!({ "text": "исправленный" }));
    assert_error(&send(edit(organizer)).await, StatusCode::FORBIDDEN, "forbidden");
    assert_error(&send(edit(other)).await, StatusCode::FORBIDDEN, "forbidden");
    let (status, edited) = send(edit(buyer)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!((edited["text"].as_str(), edited["is_edited"].as_bool()), (Some("исправленный"), Some(true)));
    let frame = next_of(&mut org, "edited").await;
    assert_eq!((frame["id"].clone(), frame["text"].as_str()), (message["id"].clone(), Some("исправленный")));

    assert_error(&send(app.as_user(other, Method::DELETE, &path)).await, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(send(app.as_user(organizer, Method::DELETE, &path)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(next_of(&mut org, "deleted").await["id"], message["id"]);
    assert_error(&send(app.as_user(buyer, Method::DELETE, &path)).await, StatusCode::NOT_FOUND, "not_found");
    let own = post(&app, procurement, other, "моё").await;
    assert_eq!(
        send(app.as_user(other, Method::DELETE, &format!("/api/chat/messages/{}/", own["id"]))).await.0,
        StatusCode::NO_CONTENT
    );
    let staff = post(&app, procurement, other, "для модерации").await;
    assert_eq!(
        send(app.service(Method::DELETE, &format!("/api/chat/messages/{}/", staff["id"]))).await.0,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn chat_rest_unread_counts_other_peoples_messages_until_mark_read() {
    let app = TestApp::spawn().await;
    let (procurement, organizer, buyer) = room(&app).await;
    let (second, second_organizer) = app.active(json!({})).await;
    assert_eq!(app.join(second, buyer, "1").await.0, StatusCode::CREATED);
    let unread = |procurement: Option<i64>| {
        let query = procurement.map(|p| format!("&procurement_id={p}")).unwrap_or_default();
        app.as_user(buyer, Method::GET, &format!("/api/chat/messages/unread_count/?user_id={buyer}{query}"))
    };
    let (status, body) = send(unread(Some(procurement))).await;
    assert_eq!((status, body["unread_count"].as_i64()), (StatusCode::OK, Some(0)), "{body}");

    let mut last = json!(null);
    for i in 0..3 {
        last = post(&app, procurement, organizer, &format!("{i}")).await;
    }
    post(&app, procurement, buyer, "own messages do not count").await;
    post(&app, second, second_organizer, "elsewhere").await;
    let (_, body) = send(unread(Some(procurement))).await;
    assert_eq!(
        (body["procurement_id"].as_i64(), body["unread_count"].as_i64()),
        (Some(procurement), Some(3)),
        "{body}"
    );
    let (_, all) = send(unread(None)).await;
    assert_eq!(all["unread_count"], 4, "{all}");
    assert_eq!(all["chats"].as_array().unwrap().len(), 2);

    let mark = |body: serde_json::Value| app.as_user(buyer, Method::POST, "/api/chat/messages/mark_read/").json(&body);
    let (status, done) = send(mark(
        json!({ "user_id": buyer, "procurement_id": procurement, "message_id": last["id"].as_i64().unwrap() - 1 }),
    ))
    .await;
    assert_eq!((status, done["message"].as_str()), (StatusCode::OK, Some("Marked as read")));
    assert_eq!(send(unread(Some(procurement))).await.1["unread_count"], 1);
    assert_eq!(send(mark(json!({ "procurement_id": procurement }))).await.0, StatusCode::OK);
    assert_eq!(send(unread(Some(procurement))).await.1["unread_count"], 0);
    // An older mark never makes read messages unread again.
    send(mark(json!({ "procurement_id": procurement, "message_id": last["id"].as_i64().unwrap() - 2 }))).await;
    assert_eq!(send(unread(Some(procurement))).await.1["unread_count"], 0);
    assert_eq!(send(unread(None)).await.1["unread_count"], 1);
    // Only for oneself.
    let other = app.as_user(organizer, Method::GET, &format!("/api/chat/messages/unread_count/?user_id={buyer}"));
    assert_error(&send(other).await, StatusCode::FORBIDDEN, "forbidden");
}
