//! `/method/{name}`: the VK methods the bot calls, with VK's parameter rules and error codes.

use std::collections::HashMap;

use poem::web::{Data, Json, Path};
use poem::{Body, Request, handler};
use serde_json::{Value, json};

use super::FakeVk;
use super::world::{check_keyboard, error};

type Params = HashMap<String, String>;

#[handler]
pub async fn method(Path(name): Path<String>, req: &Request, body: Body, fake: Data<&FakeVk>) -> Json<Value> {
    let mut params: Params = req.uri().query().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
    match body.into_bytes().await.map(|bytes| serde_urlencoded::from_bytes::<Params>(&bytes)) {
        Ok(Ok(form)) => params.extend(form),
        _ => return Json(error(8, "Invalid request: the body is not a form")),
    }
    Json(call(&fake, &name, &params))
}

fn call(fake: &FakeVk, name: &str, params: &Params) -> Value {
    if params.get("access_token").is_none_or(String::is_empty) {
        return error(5, "User authorization failed: no access_token passed.");
    }
    if params.get("v").is_none_or(String::is_empty) {
        return error(8, "Invalid request: v is required");
    }
    if let Some(fault) = fake.world().take_fault(name) {
        return fault;
    }
    let answer = match name {
        "groups.getLongPollServer" => long_poll_server(fake, params),
        "messages.send" => send(fake, params),
        "messages.edit" => edit(fake, params),
        "messages.sendMessageEventAnswer" => event_answer(fake, params),
        "users.get" => users(fake, params),
        _ => return error(3, "Unknown method passed"),
    };
    match answer {
        Ok(response) => json!({ "response": response }),
        Err((code, message)) => error(code, &message),
    }
}

type Answer = Result<Value, (i64, String)>;

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, (i64, String)> {
    params.get(name).map(String::as_str).filter(|v| !v.is_empty()).ok_or_else(|| missing(name))
}

fn number(params: &Params, name: &str) -> Result<i64, (i64, String)> {
    required(params, name)?
        .parse()
        .map_err(|_| (100, format!("One of the parameters specified was missing or invalid: {name} not integer")))
}

fn missing(name: &str) -> (i64, String) {
    (100, format!("One of the parameters specified was missing or invalid: {name} is a required parameter"))
}

fn long_poll_server(fake: &FakeVk, params: &Params) -> Answer {
    let mut world = fake.world();
    if number(params, "group_id")? != world.group_id {
        return Err((15, "Access denied: no access to this group".into()));
    }
    world.servers_given += 1;
    Ok(json!({ "server": format!("{}/lp", world.public_url), "key": world.key, "ts": world.events.len().to_string() }))
}

fn keyboard(params: &Params) -> Result<Option<Value>, (i64, String)> {
    let Some(text) = params.get("keyboard").filter(|k| !k.is_empty()) else { return Ok(None) };
    let keyboard: Value = serde_json::from_str(text).map_err(|e| (911, format!("Keyboard format is invalid: {e}")))?;
    check_keyboard(&keyboard).map_err(|why| (911, format!("Keyboard format is invalid: {why}")))?;
    Ok(Some(keyboard))
}

/// With `peer_ids` VK answers a list of `{peer_id, message_id, conversation_message_id}`;
/// with `peer_id`, the message id alone.
fn send(fake: &FakeVk, params: &Params) -> Answer {
    let text = required(params, "message").map_err(|_| (100, "Message text is empty or invalid".to_string()))?;
    if text.chars().count() > 4096 {
        return Err((914, "Message is too long".into()));
    }
    let random_id = number(params, "random_id")?;
    let keyboard = keyboard(params)?;
    let mut world = fake.world();
    if let Some(peers) = params.get("peer_ids") {
        let peers: Vec<i64> =
            peers.split(',').map(|p| p.trim().parse()).collect::<Result<_, _>>().map_err(|_| missing("peer_ids"))?;
        let sent: Vec<Value> = peers
            .into_iter()
            .map(|peer| {
                let m = world.send(peer, text, keyboard.clone(), random_id);
                json!({ "peer_id": peer, "message_id": m.message_id, "conversation_message_id": m.conversation_message_id })
            })
            .collect();
        return Ok(Value::Array(sent));
    }
    let peer = number(params, "peer_id")?;
    Ok(json!(world.send(peer, text, keyboard, random_id).message_id))
}

fn edit(fake: &FakeVk, params: &Params) -> Answer {
    let peer = number(params, "peer_id")?;
    let id = number(params, "conversation_message_id")?;
    let text = required(params, "message")?.to_string();
    let keyboard = keyboard(params)?;
    let mut world = fake.world();
    let message = world.message_mut(peer, id).ok_or((100, "Message not found".to_string()))?;
    let old = std::mem::replace(&mut message.text, text);
    message.edits.push(old);
    // As on VK, an edit without a keyboard leaves the message without one.
    message.keyboard = keyboard;
    Ok(json!(1))
}

fn event_answer(fake: &FakeVk, params: &Params) -> Answer {
    let event_id = required(params, "event_id")?;
    let user_id = number(params, "user_id")?;
    let peer_id = number(params, "peer_id")?;
    let mut world = fake.world();
    let pressed = world.events.iter().any(|e| {
        e["type"] == "message_event"
            && e["object"]["event_id"] == event_id
            && e["object"]["user_id"] == user_id
            && e["object"]["peer_id"] == peer_id
    });
    if !pressed {
        return Err((100, "One of the parameters specified was missing or invalid: event_id".into()));
    }
    let event_data = params.get("event_data").and_then(|d| serde_json::from_str::<Value>(d).ok());
    world
        .event_answers
        .push(json!({ "event_id": event_id, "user_id": user_id, "peer_id": peer_id, "event_data": event_data }));
    Ok(json!(1))
}

/// People the fake was not told about are named after their id.
fn users(fake: &FakeVk, params: &Params) -> Answer {
    let world = fake.world();
    let mut users = Vec::new();
    for id in required(params, "user_ids")?.split(',') {
        let id: i64 = id.trim().parse().map_err(|_| missing("user_ids"))?;
        let (first, last) = world.users.get(&id).cloned().unwrap_or_else(|| ("User".into(), id.to_string()));
        users.push(json!({ "id": id, "first_name": first, "last_name": last }));
    }
    Ok(Value::Array(users))
}
