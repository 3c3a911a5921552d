//! VK updates (the same objects in Bots Long Poll and the Callback API) as [`Incoming`]s.

use serde_json::Value;

use crate::runtime::{ChatKind, Event, Incoming, Person, Platform};

/// Peer ids from here on are group conversations (`2000000000 + chat id`).
pub const GROUP_PEER_BASE: i64 = 2_000_000_000;

/// One update the bot answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The update's own id (top-level `event_id`): the messages answering it are keyed on it,
    /// so handling the same update twice sends nothing twice.
    pub event_id: String,
    pub incoming: Incoming,
}

/// `message_new` (a typed text or a text button) and `message_event` (a callback button);
/// `None` for every other type and for messages the community itself wrote.
pub fn parse(update: &Value) -> Option<Update> {
    let event_id = update.get("event_id")?.as_str()?.to_string();
    let object = update.get("object")?;
    let incoming = match update.get("type")?.as_str()? {
        "message_new" => message_new(object)?,
        "message_event" => message_event(object)?,
        _ => return None,
    };
    Some(Update { event_id, incoming })
}

fn message_new(object: &Value) -> Option<Incoming> {
    let message = object.get("message")?;
    let from_id = message.get("from_id")?.as_i64()?;
    if from_id <= 0 {
        return None;
    }
    let peer_id = message.get("peer_id")?.as_i64()?;
    let text = message.get("text").and_then(Value::as_str).unwrap_or("").to_string();
    // VK's own "Start" button sends `{"command":"start"}` with a text that varies by client.
    let start = payload_object(message.get("payload")).is_some_and(|p| p.get("command") == Some(&"start".into()));
    let text = if start { "/start".to_string() } else { text };
    let language = object.get("client_info").and_then(|c| c.get("lang_id")).and_then(Value::as_i64);
    Some(incoming(peer_id, from_id, language, Event::Text(text)))
}

fn message_event(object: &Value) -> Option<Incoming> {
    let user_id = object.get("user_id")?.as_i64()?;
    let peer_id = object.get("peer_id")?.as_i64()?;
    let query_id = object.get("event_id")?.as_str()?.to_string();
    let payload = payload_object(object.get("payload"))?;
    let data = payload.get("data")?.as_str()?.to_string();
    let message_id = object.get("conversation_message_id").and_then(Value::as_i64);
    Some(incoming(peer_id, user_id, None, Event::Callback { query_id, data, message_id }))
}

/// A payload arrives as a JSON string in `message_new` and as an object in `message_event`.
fn payload_object(payload: Option<&Value>) -> Option<Value> {
    match payload? {
        Value::String(text) => serde_json::from_str(text).ok(),
        object @ Value::Object(_) => Some(object.clone()),
        _ => None,
    }
}

fn incoming(peer_id: i64, user_id: i64, lang_id: Option<i64>, event: Event) -> Incoming {
    Incoming {
        platform: Platform::Vk,
        chat_id: peer_id,
        chat_kind: if peer_id >= GROUP_PEER_BASE { ChatKind::Group } else { ChatKind::Private },
        from: Person {
            platform_user_id: user_id.to_string(),
            // VK's updates carry no names: the dispatcher asks `users.get` for them.
            first_name: String::new(),
            last_name: String::new(),
            username: None,
            language_code: lang_id.map(language_code),
        },
        event,
    }
}

/// `client_info.lang_id`: 0 Russian, 1 Ukrainian, 2 Belarusian, 3 English, …
fn language_code(lang_id: i64) -> String {
    match lang_id {
        3 => "en",
        1 => "uk",
        2 => "be",
        _ => "ru",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_typed_message_in_a_private_chat() {
        let update = json!({
            "type": "message_new", "event_id": "e1", "group_id": 1,
            "object": {
                "message": { "from_id": 42, "peer_id": 42, "text": "/help", "conversation_message_id": 3 },
                "client_info": { "lang_id": 3 }
            }
        });
        let parsed = parse(&update).unwrap();
        assert_eq!(parsed.event_id, "e1");
        assert_eq!(parsed.incoming.chat_kind, ChatKind::Private);
        assert_eq!(parsed.incoming.event, Event::Text("/help".into()));
        assert_eq!(parsed.incoming.from.language_code.as_deref(), Some("en"));
    }

    #[test]
    fn vks_start_button_is_start_and_conversations_are_groups() {
        let update = json!({
            "type": "message_new", "event_id": "e2",
            "object": { "message": {
                "from_id": 42, "peer_id": 2_000_000_007_i64, "text": "Начать", "payload": "{\"command\":\"start\"}"
            } }
        });
        let parsed = parse(&update).unwrap().incoming;
        assert_eq!(parsed.chat_kind, ChatKind::Group);
        assert_eq!(parsed.event, Event::Text("/start".into()));
    }

    #[test]
    fn a_callback_button_press() {
        let update = json!({
            "type": "message_event", "event_id": "e3",
            "object": {
                "user_id": 42, "peer_id": 42, "event_id": "cb9",
                "payload": { "data": "view_proc_7" }, "conversation_message_id": 5
            }
        });
        let parsed = parse(&update).unwrap().incoming;
        let expected = Event::Callback { query_id: "cb9".into(), data: "view_proc_7".into(), message_id: Some(5) };
        assert_eq!(parsed.event, expected);
        assert_eq!(parsed.from.platform_user_id, "42");
    }

    #[test]
    fn other_updates_and_the_communitys_own_messages_are_skipped() {
        assert!(parse(&json!({ "type": "wall_post_new", "event_id": "e", "object": {} })).is_none());
        let own = json!({ "type": "message_new", "event_id": "e",
            "object": { "message": { "from_id": -1, "peer_id": 42, "text": "hi" } } });
        assert!(parse(&own).is_none());
    }
}
