//! What the fake VK holds: the community's event history (long-poll `ts` is an index into it),
//! the bot's messages, and the knobs tests turn.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

/// VK forgets a `random_id` after about an hour.
const RANDOM_ID_WINDOW: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentMessage {
    pub message_id: i64,
    pub conversation_message_id: i64,
    pub peer_id: i64,
    pub text: String,
    /// The keyboard as VK parsed it.
    pub keyboard: Option<Value>,
    pub random_id: i64,
    /// Earlier texts, oldest first, when the bot edited the message.
    pub edits: Vec<String>,
}

/// A method's next calls fail with this error.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: String,
    pub code: i64,
    pub message: String,
    pub times: u32,
}

#[derive(Debug, Clone)]
pub struct CallbackTarget {
    pub url: String,
    pub secret: String,
}

pub struct World {
    pub group_id: i64,
    pub public_url: String,
    /// Every event in the community; a long-poll `ts` is an index into it.
    pub events: Vec<Value>,
    pub key: String,
    key_serial: u64,
    /// What the next `a_check` answers instead of updates.
    pub pending_failure: Option<i64>,
    pub checks: u64,
    pub servers_given: u64,
    pub messages: Vec<SentMessage>,
    conversation_ids: HashMap<i64, i64>,
    random_ids: HashMap<(i64, i64), (usize, Instant)>,
    pub event_answers: Vec<Value>,
    pub faults: Vec<Fault>,
    pub callback: Option<CallbackTarget>,
    /// People's first and last names, as `users.get` answers them.
    pub users: HashMap<i64, (String, String)>,
    next_event: u64,
}

/// VK's error answer.
pub fn error(code: i64, message: &str) -> Value {
    json!({ "error": { "error_code": code, "error_msg": message } })
}

impl World {
    pub fn new(group_id: i64) -> Self {
        let mut world = World {
            group_id,
            public_url: String::new(),
            events: Vec::new(),
            key: String::new(),
            key_serial: 0,
            pending_failure: None,
            checks: 0,
            servers_given: 0,
            messages: Vec::new(),
            conversation_ids: HashMap::new(),
            random_ids: HashMap::new(),
            event_answers: Vec::new(),
            faults: Vec::new(),
            callback: None,
            users: HashMap::new(),
            next_event: 0,
        };
        world.rotate_key();
        world
    }

    /// Expires the long-poll key (what `failed: 2` means).
    pub fn rotate_key(&mut self) {
        self.key_serial += 1;
        self.key = format!("key{:08x}", self.key_serial.wrapping_mul(0x9e37_79b9));
    }

    /// The failure a test injected for `method`, once per call, while it lasts.
    pub fn take_fault(&mut self, method: &str) -> Option<Value> {
        let fault = self.faults.iter_mut().find(|f| f.method == method && f.times > 0)?;
        fault.times -= 1;
        Some(error(fault.code, &fault.message))
    }

    pub fn next_event_id(&mut self) -> String {
        self.next_event += 1;
        format!("{:x}", 0x5eed_0000_u64 + self.next_event)
    }

    /// Every message in a conversation, the person's and the bot's, gets the next number.
    pub fn next_conversation_id(&mut self, peer_id: i64) -> i64 {
        let id = self.conversation_ids.entry(peer_id).or_insert(0);
        *id += 1;
        *id
    }

    /// Appends an event of `kind`, returning it whole (as the Callback API would POST it).
    pub fn record_event(&mut self, kind: &str, object: Value) -> Value {
        let event = json!({
            "type": kind,
            "object": object,
            "group_id": self.group_id,
            "event_id": self.next_event_id(),
            "v": crate::vk::API_VERSION,
        });
        self.events.push(event.clone());
        event
    }

    /// `messages.send` to one peer: a repeated `random_id` within VK's window is not sent again.
    pub fn send(&mut self, peer_id: i64, text: &str, keyboard: Option<Value>, random_id: i64) -> &SentMessage {
        let now = Instant::now();
        self.random_ids.retain(|_, (_, at)| now.duration_since(*at) < RANDOM_ID_WINDOW);
        if random_id != 0
            && let Some((index, _)) = self.random_ids.get(&(peer_id, random_id))
        {
            return &self.messages[*index];
        }
        let message = SentMessage {
            message_id: self.messages.len() as i64 + 1,
            conversation_message_id: self.next_conversation_id(peer_id),
            peer_id,
            text: text.to_string(),
            keyboard,
            random_id,
            edits: Vec::new(),
        };
        self.messages.push(message);
        if random_id != 0 {
            self.random_ids.insert((peer_id, random_id), (self.messages.len() - 1, now));
        }
        self.messages.last().expect("just pushed")
    }

    pub fn message_mut(&mut self, peer_id: i64, conversation_message_id: i64) -> Option<&mut SentMessage> {
        self.messages.iter_mut().find(|m| m.peer_id == peer_id && m.conversation_message_id == conversation_message_id)
    }

    /// The bot's latest message in `peer_id` with a button labelled `label`, and that button.
    pub fn button(&self, peer_id: i64, label: &str) -> Option<(&SentMessage, Value)> {
        self.messages.iter().rev().filter(|m| m.peer_id == peer_id).find_map(|m| {
            let rows = m.keyboard.as_ref()?.get("buttons")?.as_array()?;
            let button = rows.iter().filter_map(Value::as_array).flatten().find(|b| b["action"]["label"] == label)?;
            Some((m, button.clone()))
        })
    }
}

/// VK's keyboard rules; a keyboard that breaks one is error 911.
pub fn check_keyboard(keyboard: &Value) -> Result<(), String> {
    let rows = keyboard.get("buttons").and_then(Value::as_array).ok_or("no buttons array")?;
    let inline = keyboard.get("inline").and_then(Value::as_bool).unwrap_or(false);
    let (max_rows, max_buttons) = if inline { (6, 10) } else { (10, 40) };
    let mut count = 0;
    if rows.len() > max_rows {
        return Err(format!("more than {max_rows} rows"));
    }
    for row in rows {
        let row = row.as_array().ok_or("a row is not an array")?;
        if row.len() > 5 {
            return Err("more than 5 buttons in a row".into());
        }
        count += row.len();
        for button in row {
            check_button(&button["action"])?;
        }
    }
    if count > max_buttons {
        return Err(format!("more than {max_buttons} buttons"));
    }
    Ok(())
}

fn check_button(action: &Value) -> Result<(), String> {
    let label = action.get("label").and_then(Value::as_str).ok_or("a button without a label")?;
    if label.chars().count() > 40 {
        return Err(format!("label longer than 40 characters: {label}"));
    }
    if action.get("payload").and_then(Value::as_str).is_some_and(|p| p.len() > 255) {
        return Err("payload longer than 255 characters".into());
    }
    match action.get("type").and_then(Value::as_str) {
        Some("text" | "callback") => Ok(()),
        Some("open_link") if action.get("link").and_then(Value::as_str).is_some() => Ok(()),
        other => Err(format!("unsupported button type {other:?}")),
    }
}
