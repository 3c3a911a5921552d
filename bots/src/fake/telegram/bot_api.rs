//! The Bot API methods the fake answers (all but `getUpdates`, which waits and lives with the
//! server): parameters as Telegram reads them, answers and errors as Telegram writes them.

use serde_json::{Map, Value, json};

use super::state::{ApiError, BotMessage, CallbackAnswer, Inner, Webhook, int, now_unix};

pub type Params = Map<String, Value>;

/// Telegram's maximum message length, in characters.
const MAX_TEXT_CHARS: usize = 4096;
const MAX_CALLBACK_DATA_BYTES: usize = 64;

/// The methods the fake knows, as Telegram's documentation spells them.
pub const METHODS: [&str; 9] = [
    "getMe",
    "getUpdates",
    "sendMessage",
    "editMessageText",
    "answerCallbackQuery",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setChatMenuButton",
];

pub fn call(inner: &mut Inner, method: &str, params: &Params) -> Result<Value, ApiError> {
    match method {
        "getMe" => Ok(get_me(inner)),
        "sendMessage" => send_message(inner, params),
        "editMessageText" => edit_message_text(inner, params),
        "answerCallbackQuery" => answer_callback_query(inner, params),
        "setWebhook" => set_webhook(inner, params),
        "setChatMenuButton" => set_chat_menu_button(inner, params),
        "deleteWebhook" => {
            inner.webhook = None;
            if params.get("drop_pending_updates").and_then(Value::as_bool) == Some(true) {
                inner.pending.clear();
            }
            Ok(json!(true))
        }
        "getWebhookInfo" => Ok(json!({
            "url": inner.webhook.as_ref().map(|w| w.url.clone()).unwrap_or_default(),
            "has_custom_certificate": false,
            "pending_update_count": inner.pending.len(),
        })),
        _ => Err(ApiError { code: 404, description: "Not Found".into(), retry_after: None }),
    }
}

fn get_me(inner: &Inner) -> Value {
    let mut me = inner.bot.clone();
    for flag in ["can_join_groups", "can_read_all_group_messages", "supports_inline_queries"] {
        me[flag] = json!(flag == "can_join_groups");
    }
    me["can_connect_to_business"] = json!(false);
    me["has_main_web_app"] = json!(false);
    me
}

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a Value, ApiError> {
    params.get(name).filter(|v| !v.is_null()).ok_or_else(|| ApiError::bad_request(&format!("{name} is empty")))
}

fn text(params: &Params) -> Result<String, ApiError> {
    let text = required(params, "text").map_err(|_| ApiError::bad_request("message text is empty"))?;
    let text = text.as_str().unwrap_or_default().to_string();
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("message text is empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request("message is too long"));
    }
    Ok(text)
}

/// `reply_markup`, as an object or a JSON string (form encoding), checked like Telegram does.
fn reply_markup(params: &Params) -> Result<Option<Value>, ApiError> {
    let markup = match params.get("reply_markup") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map_err(|_| ApiError::bad_request("can't parse reply keyboard markup JSON object"))?,
        Some(other) => other.clone(),
    };
    let rows = |name: &str| markup.get(name).map(|rows| rows.as_array().cloned().unwrap_or_default());
    if let Some(rows) = rows("inline_keyboard") {
        for button in rows.iter().flat_map(|row| row.as_array().cloned().unwrap_or_default()) {
            check_inline_button(&button)?;
        }
    } else if let Some(rows) = rows("keyboard") {
        if rows.iter().flat_map(|row| row.as_array().cloned().unwrap_or_default()).any(|b| button_text(&b).is_empty()) {
            return Err(ApiError::bad_request("keyboard button text must be non-empty"));
        }
    } else if markup.get("remove_keyboard").is_none() && markup.get("force_reply").is_none() {
        return Err(ApiError::bad_request("can't parse reply keyboard markup JSON object"));
    }
    Ok(Some(markup))
}

fn button_text(button: &Value) -> &str {
    button.as_str().or_else(|| button["text"].as_str()).unwrap_or_default()
}

fn check_inline_button(button: &Value) -> Result<(), ApiError> {
    if button["text"].as_str().unwrap_or_default().is_empty() {
        return Err(ApiError::bad_request("inline keyboard button text must be non-empty"));
    }
    if let Some(web_app) = button.get("web_app") {
        return web_app_url(web_app).map(|_| ());
    }
    match (button["callback_data"].as_str(), button["url"].as_str()) {
        (Some(data), None) if !data.is_empty() && data.len() <= MAX_CALLBACK_DATA_BYTES => Ok(()),
        (Some(_), None) => Err(ApiError::bad_request("BUTTON_DATA_INVALID")),
        (None, Some(url)) if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("tg://") => {
            Ok(())
        }
        (None, Some(_)) => Err(ApiError::bad_request("inline keyboard button URL is invalid")),
        _ => Err(ApiError::bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        )),
    }
}

fn send_message(inner: &mut Inner, params: &Params) -> Result<Value, ApiError> {
    let chat = inner.chat(required(params, "chat_id")?)?;
    let text = text(params)?;
    let reply_markup = reply_markup(params)?;
    inner.admit("sendMessage", &chat)?;
    let chat_id = chat["id"].as_i64().unwrap_or_default();
    let message =
        BotMessage { message_id: inner.next_message_id, chat_id, text, reply_markup, edited: false, date: now_unix() };
    inner.next_message_id += 1;
    inner.stats.accepted += 1;
    let json = inner.message_json(&message, &chat);
    inner.messages.entry(chat_id).or_default().push(message);
    Ok(json)
}

fn edit_message_text(inner: &mut Inner, params: &Params) -> Result<Value, ApiError> {
    let not_found = || ApiError::bad_request("message to edit not found");
    let chat = inner.chat(params.get("chat_id").ok_or_else(not_found)?)?;
    let chat_id = chat["id"].as_i64().unwrap_or_default();
    let message_id = params.get("message_id").and_then(int).ok_or_else(not_found)?;
    let text = text(params)?;
    let reply_markup = reply_markup(params)?;
    if reply_markup.as_ref().is_some_and(|m| m.get("inline_keyboard").is_none()) {
        return Err(ApiError::bad_request("inline keyboard expected"));
    }
    let current = inner
        .messages
        .get(&chat_id)
        .and_then(|messages| messages.iter().find(|m| m.message_id == message_id))
        .cloned()
        .ok_or_else(not_found)?;
    if current.reply_markup.as_ref().is_some_and(|m| m.get("inline_keyboard").is_none()) {
        // A message with a reply keyboard takes no inline markup, so Telegram refuses its edit.
        return Err(ApiError::bad_request("message can't be edited"));
    }
    if current.text == text && current.reply_markup == reply_markup {
        return Err(ApiError::bad_request(
            "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        ));
    }
    inner.admit("editMessageText", &chat)?;
    inner.stats.accepted += 1;
    let edited = BotMessage { text, reply_markup, edited: true, ..current };
    if let Some(slot) = inner.messages.get_mut(&chat_id).and_then(|m| m.iter_mut().find(|m| m.message_id == message_id))
    {
        *slot = edited.clone();
    }
    Ok(inner.message_json(&edited, &chat))
}

fn answer_callback_query(inner: &mut Inner, params: &Params) -> Result<Value, ApiError> {
    let invalid = || ApiError::bad_request("query is too old and response timeout expired or query ID is invalid");
    let id = required(params, "callback_query_id")?.as_str().ok_or_else(invalid)?.to_string();
    match inner.queries.get_mut(&id) {
        Some(answered) if !*answered => *answered = true,
        _ => return Err(invalid()),
    }
    inner.stats.callback_answers += 1;
    inner.answers.push(CallbackAnswer {
        callback_query_id: id,
        text: params.get("text").and_then(Value::as_str).map(str::to_string),
        show_alert: params.get("show_alert").and_then(Value::as_bool).unwrap_or(false),
    });
    Ok(json!(true))
}

fn set_webhook(inner: &mut Inner, params: &Params) -> Result<Value, ApiError> {
    let url = params.get("url").and_then(Value::as_str).unwrap_or_default();
    if url.is_empty() {
        inner.webhook = None;
        return Ok(json!(true));
    }
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(ApiError::bad_request("bad webhook: An HTTPS URL must be provided for webhook"));
    }
    let secret = params.get("secret_token").and_then(Value::as_str).map(str::to_string);
    let allowed = |s: &String| {
        (1..=256).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if secret.as_ref().is_some_and(|s| !allowed(s)) {
        return Err(ApiError::bad_request("secret token contains unallowed characters"));
    }
    inner.webhook = Some(Webhook { url: url.to_string(), secret });
    Ok(json!(true))
}

/// A Mini App's address, which Telegram takes over https only.
fn web_app_url(web_app: &Value) -> Result<&str, ApiError> {
    match web_app["url"].as_str() {
        Some(url) if url.starts_with("https://") && url.len() > "https://".len() => Ok(url),
        Some(url) => {
            Err(ApiError::bad_request(&format!("Web App URL '{url}' is invalid: Only HTTPS links are allowed")))
        }
        None => Err(ApiError::bad_request("can't parse web app: field \"url\" must be of type String")),
    }
}

/// The menu button of every private chat (no `chat_id`) or of one: recorded as sent.
fn set_chat_menu_button(inner: &mut Inner, params: &Params) -> Result<Value, ApiError> {
    let button = match params.get("menu_button") {
        None | Some(Value::Null) => json!({ "type": "default" }),
        Some(Value::String(s)) => {
            serde_json::from_str(s).map_err(|_| ApiError::bad_request("can't parse menu button JSON object"))?
        }
        Some(other) => other.clone(),
    };
    match button["type"].as_str() {
        Some("web_app") => {
            if button["text"].as_str().unwrap_or_default().is_empty() {
                return Err(ApiError::bad_request("menu button text must be non-empty"));
            }
            web_app_url(&button["web_app"])?;
        }
        Some("commands" | "default") => {}
        _ => return Err(ApiError::bad_request("unsupported menu button type")),
    }
    let chat = params.get("chat_id").and_then(int);
    inner.menu_buttons.insert(chat, button);
    Ok(json!(true))
}
