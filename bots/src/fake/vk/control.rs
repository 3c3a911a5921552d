//! The test controls: people writing and pressing buttons, what the bot sent, failures to
//! inject, and the Callback API's deliveries.

use poem::http::StatusCode;
use poem::web::{Data, Json, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use serde_json::{Value, json};

use super::FakeVk;
use super::world::{CallbackTarget, Fault};

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message, "code": "bad_request" }))).into_response()
}

impl FakeVk {
    /// Records an event, wakes the long-poll requests waiting for it and, when a Callback API
    /// server is set, POSTs it there; answers the event's id and that server's reply.
    async fn publish(&self, kind: &str, object: Value) -> Value {
        let (event, callback) = {
            let mut world = self.world();
            let event = world.record_event(kind, object);
            self.events.send_replace(world.events.len());
            (event, world.callback.clone())
        };
        let mut answer = json!({ "event_id": event["event_id"] });
        if let Some(target) = callback {
            answer["callback"] = self.post_event(&target, event, 0).await;
        }
        answer
    }

    /// One Callback API delivery: `{status, body}` of the server's reply.
    async fn post_event(&self, target: &CallbackTarget, mut event: Value, retry: u32) -> Value {
        event["secret"] = json!(target.secret);
        let request = self.http.post(&target.url).header("X-Retry-Counter", retry.to_string()).json(&event);
        match request.send().await {
            Ok(reply) => {
                let status = reply.status().as_u16();
                json!({ "status": status, "body": reply.text().await.unwrap_or_default() })
            }
            Err(e) => json!({ "status": 0, "body": e.to_string() }),
        }
    }
}

#[derive(Deserialize)]
pub struct PersonWrites {
    from_id: i64,
    /// The person's own chat with the community unless a conversation (≥ 2000000000) is named.
    peer_id: Option<i64>,
    text: String,
    /// A text button's payload, a JSON string.
    payload: Option<String>,
    /// `client_info.lang_id`: 0 Russian (default), 3 English.
    #[serde(default)]
    lang_id: i64,
    /// The person's names, from now on answered by `users.get`.
    first_name: Option<String>,
    last_name: Option<String>,
}

#[handler]
pub async fn person_writes(Json(body): Json<PersonWrites>, fake: Data<&FakeVk>) -> Response {
    if body.from_id <= 0 {
        return bad_request("from_id must be a person's id (positive)");
    }
    Json(new_message(&fake, body).await).into_response()
}

async fn new_message(fake: &FakeVk, body: PersonWrites) -> Value {
    let peer_id = body.peer_id.unwrap_or(body.from_id);
    let conversation_message_id = {
        let mut world = fake.world();
        if let Some(first) = body.first_name {
            world.users.insert(body.from_id, (first, body.last_name.unwrap_or_default()));
        }
        world.next_conversation_id(peer_id)
    };
    let mut message = json!({
        "date": 0, "from_id": body.from_id, "peer_id": peer_id, "text": body.text,
        "conversation_message_id": conversation_message_id,
    });
    if let Some(payload) = body.payload {
        message["payload"] = json!(payload);
    }
    let client_info = json!({ "button_actions": ["text", "callback", "open_link"], "keyboard": true,
        "inline_keyboard": true, "lang_id": body.lang_id });
    fake.publish("message_new", json!({ "message": message, "client_info": client_info })).await
}

#[derive(Deserialize)]
pub struct Press {
    user_id: i64,
    peer_id: Option<i64>,
    label: String,
}

/// A callback button becomes a `message_event`, a text button a `message_new` with its label
/// and payload; a link button only opens a page, so pressing it here is refused.
#[handler]
pub async fn press(Json(body): Json<Press>, fake: Data<&FakeVk>) -> Response {
    let peer_id = body.peer_id.unwrap_or(body.user_id);
    let Some((message, button)) = fake.world().button(peer_id, &body.label).map(|(m, b)| (m.clone(), b)) else {
        return bad_request(&format!("no message of the bot in {peer_id} has a button labelled {:?}", body.label));
    };
    let action = &button["action"];
    match action["type"].as_str() {
        Some("callback") => {
            let payload: Value =
                action["payload"].as_str().and_then(|p| serde_json::from_str(p).ok()).unwrap_or(json!({}));
            let event_id = fake.world().next_event_id();
            let object = json!({
                "user_id": body.user_id, "peer_id": peer_id, "event_id": event_id, "payload": payload,
                "conversation_message_id": message.conversation_message_id,
            });
            Json(fake.publish("message_event", object).await).into_response()
        }
        Some("text") => {
            let payload = action.get("payload").and_then(Value::as_str).map(str::to_owned);
            let writes = PersonWrites {
                from_id: body.user_id,
                peer_id: Some(peer_id),
                text: body.label,
                payload,
                lang_id: 0,
                first_name: None,
                last_name: None,
            };
            Json(new_message(&fake, writes).await).into_response()
        }
        _ => bad_request("a link button opens a page; nothing reaches the bot"),
    }
}

#[derive(Deserialize)]
pub struct SentFilter {
    peer_id: Option<i64>,
}

#[handler]
pub fn sent(Query(filter): Query<SentFilter>, fake: Data<&FakeVk>) -> Json<Value> {
    let sent: Vec<_> = fake.sent().into_iter().filter(|m| filter.peer_id.is_none_or(|p| m.peer_id == p)).collect();
    Json(json!(sent))
}

#[handler]
pub fn event_answers(fake: Data<&FakeVk>) -> Json<Value> {
    Json(json!(fake.world().event_answers))
}

#[derive(Deserialize)]
pub struct Failure {
    failed: i64,
}

#[handler]
pub fn fail(Json(body): Json<Failure>, fake: Data<&FakeVk>) -> Response {
    if !(1..=3).contains(&body.failed) {
        return bad_request("failed is 1, 2 or 3");
    }
    let mut world = fake.world();
    world.pending_failure = Some(body.failed);
    if body.failed > 1 {
        world.rotate_key();
    }
    fake.failures.send_modify(|n| *n += 1);
    Json(json!({ "ok": true })).into_response()
}

#[handler]
pub fn long_poll_state(fake: Data<&FakeVk>) -> Json<Value> {
    let world = fake.world();
    Json(json!({
        "key": world.key, "ts": world.events.len().to_string(), "checks": world.checks,
        "servers_given": world.servers_given, "pending_failure": world.pending_failure,
    }))
}

#[derive(Deserialize)]
pub struct FaultSpec {
    method: String,
    error_code: i64,
    error_msg: Option<String>,
    #[serde(default = "once")]
    times: u32,
}

fn once() -> u32 {
    1
}

#[handler]
pub fn fault(Json(spec): Json<FaultSpec>, fake: Data<&FakeVk>) -> Json<Value> {
    let message = spec.error_msg.unwrap_or_else(|| format!("injected error {}", spec.error_code));
    fake.world().faults.push(Fault { method: spec.method, code: spec.error_code, message, times: spec.times });
    Json(json!({ "ok": true }))
}

#[derive(Deserialize)]
pub struct CallbackSpec {
    url: String,
    secret: String,
}

#[handler]
pub fn set_callback(Json(spec): Json<CallbackSpec>, fake: Data<&FakeVk>) -> Json<Value> {
    fake.world().callback = Some(CallbackTarget { url: spec.url, secret: spec.secret });
    Json(json!({ "ok": true }))
}

#[handler]
pub async fn confirm_callback(fake: Data<&FakeVk>) -> Response {
    let (target, group_id) = {
        let world = fake.world();
        (world.callback.clone(), world.group_id)
    };
    let Some(target) = target else { return bad_request("no callback server set (PUT /fake/callback)") };
    Json(fake.post_event(&target, json!({ "type": "confirmation", "group_id": group_id }), 0).await).into_response()
}

#[derive(Deserialize)]
pub struct Resend {
    event_id: String,
}

#[handler]
pub async fn resend(Json(body): Json<Resend>, fake: Data<&FakeVk>) -> Response {
    let (event, target) = {
        let world = fake.world();
        (world.events.iter().find(|e| e["event_id"] == body.event_id).cloned(), world.callback.clone())
    };
    let (Some(event), Some(target)) = (event, target) else {
        return bad_request("unknown event_id, or no callback server set");
    };
    Json(fake.post_event(&target, event, 1).await).into_response()
}
