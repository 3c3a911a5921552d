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

#[tokio::test]
async fn chat_rest_uploads_images_and_pdfs_for_members_and_serves_them_back() {
    let app = TestApp::spawn().await;
    let (procurement, _, buyer) = room(&app).await;
    let stranger = app.register("buyer").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-really-an-image".to_vec();
    let upload = |user: i64, bytes: Vec<u8>, name: &str| {
        let boundary = "gbtest-boundary-7d1f";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"procurement_id\"\r\n\r\n{procurement}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        app.as_user(user, Method::POST, "/api/chat/upload/")
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
    };
    let (status, stored) = send(upload(buyer, png.clone(), "photo.png")).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!((stored["message_type"].as_str(), stored["content_type"].as_str()), (Some("image"), Some("image/png")));
    let url = stored["attachment_url"].as_str().unwrap();
    let served = reqwest::get(format!("{}{url}", app.base)).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    let (status, message) = send(app.as_user(buyer, Method::POST, "/api/chat/messages/").json(&json!({
        "procurement_id": procurement, "text": "фото", "message_type": "image", "attachment_url": url
    })))
    .await;
    assert_eq!((status, message["attachment_url"].as_str()), (StatusCode::CREATED, Some(url)), "{message}");

    assert_error(&send(upload(stranger, png.clone(), "photo.png")).await, StatusCode::FORBIDDEN, "forbidden");
    let script = b"<script>alert(1)</script>".to_vec();
    assert_error(&send(upload(buyer, script, "photo.png")).await, StatusCode::BAD_REQUEST, "validation_error");
    let huge = [png.as_slice(), &vec![0u8; 6 * 1024 * 1024]].concat();
    let (status, _) = send(upload(buyer, huge, "big.png")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
