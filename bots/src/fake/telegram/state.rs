//! What the fake Telegram remembers: the updates waiting for the bot, the chats, every message
//! the bot sent (as the person sees it now), callback answers, the webhook, the limits.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::limits::Windows;

/// A person (or their chat) acting towards the bot, through the control API.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UserAction {
    pub from: FakeUser,
    /// Defaults to the person's private chat (its id is theirs).
    #[serde(default)]
    pub chat_id: Option<i64>,
    /// `private` (default), `group`, `supergroup`.
    #[serde(default)]
    pub chat_type: Option<String>,
    #[serde(default)]
    pub chat_title: Option<String>,
    /// A typed message…
    #[serde(default)]
    pub text: Option<String>,
    /// …or a press of the inline button with this data…
    #[serde(default)]
    pub callback_data: Option<String>,
    /// …under this bot message (default: the latest bot message in the chat with that button).
    #[serde(default)]
    pub message_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FakeUser {
    pub id: i64,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

/// What an injected action became.
#[derive(Debug, Clone, Serialize)]
pub struct Injected {
    pub update_id: i64,
    pub chat_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_query_id: Option<String>,
}

/// A message of the bot as the chat shows it now (after edits).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BotMessage {
    pub message_id: i64,
    pub chat_id: i64,
    pub text: String,
    pub reply_markup: Option<Value>,
    pub edited: bool,
    pub date: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallbackAnswer {
    pub callback_query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Messages sent and edited.
    pub accepted: u64,
    /// Requests answered 429 (limits and forced ones).
    pub rate_limited: u64,
    pub callback_answers: u64,
}

#[derive(Debug, Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: Option<String>,
}

/// A Bot API error answer: `{"ok":false,"error_code","description","parameters"?}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn bad_request(what: &str) -> Self {
        ApiError { code: 400, description: format!("Bad Request: {what}"), retry_after: None }
    }

    pub fn too_many(retry_after: u32) -> Self {
        ApiError {
            code: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            retry_after: Some(retry_after),
        }
    }

    pub fn body(&self) -> Value {
        let mut body = json!({"ok": false, "error_code": self.code, "description": self.description});
        if let Some(seconds) = self.retry_after {
            body["parameters"] = json!({"retry_after": seconds});
        }
        body
    }
}

pub struct Inner {
    pub next_update_id: i64,
    pub pending: VecDeque<(i64, Value)>,
    pub next_message_id: i64,
    pub chats: HashMap<i64, Value>,
    pub messages: HashMap<i64, Vec<BotMessage>>,
    /// Callback queries asked and whether they were answered.
    pub queries: HashMap<String, bool>,
    pub answers: Vec<CallbackAnswer>,
    pub webhook: Option<Webhook>,
    /// `setChatMenuButton`s as sent: `None` is every private chat's default.
    pub menu_buttons: HashMap<Option<i64>, Value>,
    /// `method → retry_after`s to answer the next calls of that method with, once each.
    pub forced: HashMap<String, VecDeque<u32>>,
    pub windows: Windows,
    pub stats: Stats,
    pub bot: Value,
}

impl Inner {
    pub fn new(bot_id: i64) -> Self {
        Inner {
            next_update_id: 1,
            pending: VecDeque::new(),
            next_message_id: 1,
            chats: HashMap::new(),
            messages: HashMap::new(),
            queries: HashMap::new(),
            answers: Vec::new(),
            webhook: None,
            menu_buttons: HashMap::new(),
            forced: HashMap::new(),
            windows: Windows::default(),
            stats: Stats::default(),
            bot: json!({"id": bot_id, "is_bot": true, "first_name": "GroupBuy", "username": "groupbuy_fake_bot"}),
        }
    }

    /// Turns a person's action into an update (not yet delivered).
    pub fn action_update(&mut self, action: &UserAction) -> Result<(Injected, Value), String> {
        let chat_id = action.chat_id.unwrap_or(action.from.id);
        let chat = self.chat_for(chat_id, action)?;
        let from = user_json(&action.from);
        let update_id = self.next_update_id;
        self.next_update_id += 1;
        let date = now_unix();
        match (&action.text, &action.callback_data) {
            (Some(text), None) => {
                let message_id = self.next_message_id;
                self.next_message_id += 1;
                let message = json!({"message_id": message_id, "date": date, "chat": chat, "from": from, "text": text});
                let update = json!({"update_id": update_id, "message": message});
                let injected = Injected { update_id, chat_id, message_id: Some(message_id), callback_query_id: None };
                Ok((injected, update))
            }
            (None, Some(data)) => {
                let under = self.pressed_message(chat_id, data, action.message_id)?;
                let query_id = format!("{}{update_id}", action.from.id);
                self.queries.insert(query_id.clone(), false);
                let message = self.message_json(&under, &chat);
                let query = json!({
                    "id": query_id, "from": from, "message": message, "chat_instance": chat_id.to_string(), "data": data
                });
                let update = json!({"update_id": update_id, "callback_query": query});
                let injected = Injected {
                    update_id,
                    chat_id,
                    message_id: Some(under.message_id),
                    callback_query_id: Some(query_id),
                };
                Ok((injected, update))
            }
            _ => Err("give either text or callback_data".into()),
        }
    }

    fn chat_for(&mut self, chat_id: i64, action: &UserAction) -> Result<Value, String> {
        let kind = action.chat_type.as_deref().unwrap_or(if chat_id < 0 { "group" } else { "private" });
        let chat = match kind {
            "private" if chat_id == action.from.id => {
                json!({"id": chat_id, "type": "private", "first_name": action.from.first_name})
            }
            "private" => return Err("a private chat's id is the person's id".into()),
            "group" | "supergroup" if chat_id < 0 => {
                let title = action.chat_title.clone().unwrap_or_else(|| format!("Group {chat_id}"));
                json!({"id": chat_id, "type": kind, "title": title})
            }
            "group" | "supergroup" => return Err("group chat ids are negative".into()),
            other => return Err(format!("chat_type '{other}': private, group or supergroup")),
        };
        Ok(self.chats.entry(chat_id).or_insert(chat).clone())
    }

    fn pressed_message(&self, chat_id: i64, data: &str, message_id: Option<i64>) -> Result<BotMessage, String> {
        let messages = self.messages.get(&chat_id).map(Vec::as_slice).unwrap_or_default();
        let has_button = |m: &&BotMessage| {
            m.reply_markup.as_ref().and_then(|k| k["inline_keyboard"].as_array()).is_some_and(|rows| {
                rows.iter().flat_map(|row| row.as_array().into_iter().flatten()).any(|b| b["callback_data"] == data)
            })
        };
        let found = match message_id {
            Some(id) => messages.iter().find(|m| m.message_id == id),
            None => messages.iter().rev().find(has_button),
        };
        found.cloned().ok_or_else(|| format!("chat {chat_id} has no bot message with a '{data}' button"))
    }

    /// A chat by id, or a public channel by `@name` (made up on first use).
    pub fn chat(&mut self, chat_id: &Value) -> Result<Value, ApiError> {
        let not_found = || ApiError::bad_request("chat not found");
        if let Some(name) = chat_id.as_str().filter(|s| s.starts_with('@')) {
            if let Some(chat) = self.chats.values().find(|c| c["username"] == name[1..]) {
                return Ok(chat.clone());
            }
            let id = -1_000_000_000_000 - self.chats.len() as i64;
            let chat = json!({"id": id, "type": "channel", "title": name, "username": &name[1..]});
            self.chats.insert(id, chat.clone());
            return Ok(chat);
        }
        let id = int(chat_id).ok_or_else(not_found)?;
        // Anyone may be written to (a notification to a person who never wrote here).
        let chat = self.chats.entry(id).or_insert_with(|| {
            if id < 0 {
                json!({"id": id, "type": "supergroup", "title": format!("Group {id}")})
            } else {
                json!({"id": id, "type": "private", "first_name": format!("User {id}")})
            }
        });
        Ok(chat.clone())
    }

    pub fn message_json(&self, message: &BotMessage, chat: &Value) -> Value {
        let mut json = json!({
            "message_id": message.message_id, "date": message.date, "chat": chat, "from": self.bot, "text": message.text
        });
        if let Some(markup) = &message.reply_markup {
            json["reply_markup"] = markup.clone();
        }
        if message.edited {
            json["edit_date"] = json!(now_unix());
        }
        json
    }

    /// A 429 owed to this method, or one the limits call for; otherwise the send is counted.
    pub fn admit(&mut self, method: &str, chat: &Value) -> Result<(), ApiError> {
        let forced = self.forced.get_mut(method).and_then(VecDeque::pop_front);
        let verdict = match forced {
            Some(seconds) => Err(seconds),
            None => {
                let is_group = chat["type"] != "private";
                self.windows.admit(chat["id"].as_i64().unwrap_or_default(), is_group, Instant::now())
            }
        };
        verdict.map_err(|seconds| {
            self.stats.rate_limited += 1;
            ApiError::too_many(seconds)
        })
    }
}

pub fn user_json(user: &FakeUser) -> Value {
    let mut json = json!({"id": user.id, "is_bot": false, "first_name": user.first_name});
    for (field, value) in
        [("last_name", &user.last_name), ("username", &user.username), ("language_code", &user.language_code)]
    {
        if let Some(value) = value {
            json[field] = json!(value);
        }
    }
    json
}

/// A number, or a number written as a string (form-encoded requests send strings).
pub fn int(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
