//! Chat messages: display formatting with date dividers, and text search.

use crate::errors::InputError;
use crate::format::{escape_html, format_message_text};
use crate::json::{Int, Text, opt_text};
use crate::text_column::{Needle, TextColumn};
use crate::time::{CachedOffset, LocalOffset, civil_from_days, format_hh_mm, format_ru_date, local_day, parse_iso_ms};
use crate::utf16::Utf16Json;
use serde::Serialize;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageUser<'a> {
    pub id: Option<i64>,
    pub first_name: Option<Cow<'a, str>>,
    pub last_name: Option<Cow<'a, str>>,
}

/// A chat message as the API sends it; every field is optional. Strings
/// borrow from the JSON text when they contain no escapes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message<'a> {
    pub id: Option<i64>,
    pub text: Cow<'a, str>,
    pub user: Option<MessageUser<'a>>,
    pub message_type: Option<Cow<'a, str>>,
    pub created_at: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for MessageUser<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MessageUser<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a user object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MessageUser<'de>, A::Error> {
                let mut u = MessageUser::default();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "id" => u.id = map.next_value::<Option<Int>>()?.map(|i| i.0),
                        "first_name" => u.first_name = opt_text(map.next_value()?),
                        "last_name" => u.last_name = opt_text(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(u)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Message<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Message<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a message object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Message<'de>, A::Error> {
                let mut m = Message::default();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "id" => m.id = map.next_value::<Option<Int>>()?.map(|i| i.0),
                        "text" => m.text = opt_text(map.next_value()?).unwrap_or_default(),
                        "user" => m.user = map.next_value()?,
                        "message_type" => m.message_type = opt_text(map.next_value()?),
                        "created_at" => m.created_at = opt_text(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses a JSON array of messages ([`crate::fast_json`] first, `serde_json`
/// when it gives up).
pub fn parse_messages(json: &str) -> Result<Vec<Message<'_>>, InputError> {
    let mut items = Vec::with_capacity(json.len() / 200 + 1);
    match crate::fast_json::for_each_message(json, |m| items.push(m)) {
        Some(()) => Ok(items),
        None => parse_messages_serde(json),
    }
}

/// [`parse_messages`] through `serde_json` only.
pub fn parse_messages_serde(json: &str) -> Result<Vec<Message<'_>>, InputError> {
    Ok(serde_json::from_str(json)?)
}

/// One item of `batch_process_messages`.
#[derive(Debug, Serialize, PartialEq)]
pub struct ProcessedMessage<'a> {
    pub id: Option<i64>,
    pub text: &'a str,
    pub formatted_text: String,
    pub is_own: bool,
    pub is_system: bool,
    /// Local `"HH:MM"`; `""` when `created_at` is missing or unreadable.
    pub formatted_time: String,
    /// The sender's first name; `""` for own and system messages.
    pub sender_name: &'a str,
    /// On the first message of each local day: "Сегодня", "Вчера", "15 января".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_divider: Option<String>,
}

/// Formats a chat page for display.
///
/// System messages get `escape_html(text)` as `formatted_text` (no links):
/// the original passed their text through raw, an HTML injection if a system
/// text ever carried user input.
pub fn process_messages<'a>(
    messages: &'a [Message<'a>],
    current_user_id: Option<i64>,
    now_ms: f64,
    tz: &dyn LocalOffset,
) -> Vec<ProcessedMessage<'a>> {
    let tz = &CachedOffset::new(tz);
    let today = local_day(now_ms, tz);
    let current_year = civil_from_days(today).year;
    let mut previous_day = None;
    messages
        .iter()
        .map(|m| {
            let is_system = m.message_type.as_deref() == Some("system");
            let user = m.user.as_ref();
            let is_own = current_user_id.is_some() && user.and_then(|u| u.id) == current_user_id;
            let created = m.created_at.as_deref().and_then(|s| parse_iso_ms(s, tz));
            let mut date_divider = None;
            let mut formatted_time = String::new();
            if let Some(ms) = created {
                formatted_time = format_hh_mm(ms, tz);
                let day = local_day(ms, tz);
                if previous_day != Some(day) {
                    date_divider = Some(match today - day {
                        0 => "Сегодня".to_owned(),
                        1 => "Вчера".to_owned(),
                        _ => format_ru_date(civil_from_days(day), current_year),
                    });
                    previous_day = Some(day);
                }
            }
            ProcessedMessage {
                id: m.id,
                text: &m.text,
                formatted_text: if is_system { escape_html(&m.text) } else { format_message_text(&m.text) },
                is_own,
                is_system,
                formatted_time,
                sender_name: if is_own || is_system {
                    ""
                } else {
                    user.and_then(|u| u.first_name.as_deref()).unwrap_or("")
                },
                date_divider,
            }
        })
        .collect()
}

impl ProcessedMessage<'_> {
    /// Appends this message as JSON, the same text as `serde_json` writes.
    pub fn write_json(&self, w: &mut Utf16Json) {
        w.raw("{");
        w.key(true, "id");
        w.value(&self.id);
        w.key(false, "text");
        w.string(self.text);
        w.key(false, "formatted_text");
        w.string(&self.formatted_text);
        w.key(false, "is_own");
        w.value(&self.is_own);
        w.key(false, "is_system");
        w.value(&self.is_system);
        w.key(false, "formatted_time");
        w.string(&self.formatted_time);
        w.key(false, "sender_name");
        w.string(self.sender_name);
        if let Some(divider) = &self.date_divider {
            w.key(false, "date_divider");
            w.string(divider);
        }
        w.raw("}");
    }
}

/// `batch_process_messages` as UTF-16 JSON, for handing to JavaScript (see
/// [`crate::utf16`]); the same text as [`batch_process_messages`].
pub fn batch_process_messages_utf16(
    json: &str,
    current_user_id: Option<i64>,
    now_ms: f64,
    tz: &dyn LocalOffset,
) -> Result<Vec<u16>, InputError> {
    let messages = parse_messages(json)?;
    let mut w = Utf16Json::with_capacity(json.len() * 2);
    w.raw("[");
    for (k, m) in process_messages(&messages, current_user_id, now_ms, tz).iter().enumerate() {
        if k > 0 {
            w.raw(",");
        }
        m.write_json(&mut w);
    }
    w.raw("]");
    Ok(w.out)
}

/// `current_user_id: None` (nobody signed in) marks no message as own.
pub fn batch_process_messages(
    json: &str,
    current_user_id: Option<i64>,
    now_ms: f64,
    tz: &dyn LocalOffset,
) -> Result<String, InputError> {
    let messages = parse_messages(json)?;
    Ok(serde_json::to_string(&process_messages(&messages, current_user_id, now_ms, tz))?)
}

#[derive(Serialize)]
struct MessageHit {
    index: usize,
    id: Option<i64>,
}

/// Positions of messages whose text contains the query, case-insensitively.
/// A blank query matches nothing. The query is trimmed.
pub fn find_messages(messages: &[Message<'_>], query: &str) -> Vec<usize> {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    // one lower-cased buffer and one scan instead of a String per message
    let mut texts = TextColumn::with_capacity(messages.len(), messages.len() * 64);
    for m in messages {
        texts.push_lowercase(&m.text);
    }
    let mut hits = Vec::new();
    texts.for_each_containing(&Needle::new(&needle, &texts.byte_stats()), |i| hits.push(i));
    hits
}

/// `search_messages`: `[{"index": i, "id": id}]`.
pub fn search_messages(json: &str, query: &str) -> Result<String, InputError> {
    let messages = parse_messages(json)?;
    let hits: Vec<MessageHit> =
        find_messages(&messages, query).into_iter().map(|index| MessageHit { index, id: messages[index].id }).collect();
    Ok(serde_json::to_string(&hits)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::FixedOffset;
    use serde_json::{Value, json};

    const NOW: f64 = 1_736_935_200_000.0; // 2025-01-15T10:00:00Z

    fn sample() -> String {
        json!([
            {"id": 1, "text": "Привет всем!", "user": {"id": 10, "first_name": "Иван"},
             "created_at": "2024-12-31T09:05:00Z"},
            {"id": 2, "text": "Когда доставка?", "user": {"id": 11, "first_name": "Анна"},
             "created_at": "2025-01-14T09:05:00Z"},
            {"id": 3, "text": "Доставка завтра", "message_type": "system",
             "created_at": "2025-01-14T12:00:00Z"},
            {"id": 4, "text": "привет <b>\nhttps://x.ru", "user": {"id": 42, "first_name": "Я"},
             "created_at": "2025-01-15T08:30:00Z"},
            {"id": 5, "text": "ok", "user": {"id": 11, "first_name": "Анна"},
             "created_at": "2025-01-13T09:05:00Z"}
        ])
        .to_string()
    }

    fn processed() -> Value {
        serde_json::from_str(&batch_process_messages(&sample(), Some(42), NOW, &FixedOffset(0)).unwrap()).unwrap()
    }

    #[test]
    fn search_examples() {
        let hits: Value = serde_json::from_str(&search_messages(&sample(), "привет").unwrap()).unwrap();
        assert_eq!(hits, json!([{"index": 0, "id": 1}, {"index": 3, "id": 4}]));
        let hits: Value = serde_json::from_str(&search_messages(&sample(), "ДОСТАВКА").unwrap()).unwrap();
        assert_eq!(hits.as_array().unwrap().len(), 2);
        assert_eq!(search_messages(&sample(), " ").unwrap(), "[]");
        assert!(search_messages("nope", "x").unwrap_err().message().starts_with("invalid JSON"));
    }

    #[test]
    fn flags_names_and_text() {
        let out = processed();
        assert_eq!(out[0]["sender_name"], "Иван");
        assert_eq!(out[0]["is_own"], false);
        assert_eq!(out[2]["is_system"], true);
        assert_eq!(out[2]["sender_name"], "");
        assert_eq!(out[3]["is_own"], true);
        assert_eq!(out[3]["sender_name"], "");
        assert_eq!(
            out[3]["formatted_text"],
            "привет &lt;b&gt;<br><a href=\"https://x.ru\" target=\"_blank\" rel=\"noopener\">https://x.ru</a>"
        );
        assert_eq!(out[0]["formatted_time"], "09:05");
    }

    #[test]
    fn utf16_json_is_the_serde_json_text() {
        let odd = r#"[{}, {"message_type":"system","text":"<i>\"x\"</i>\u0002"}, {"user":null,"text":null}]"#;
        for json in [sample(), odd.to_owned(), "[]".to_owned()] {
            let text = batch_process_messages(&json, Some(42), NOW, &FixedOffset(0)).unwrap();
            let units = batch_process_messages_utf16(&json, Some(42), NOW, &FixedOffset(0)).unwrap();
            assert_eq!(String::from_utf16(&units).unwrap(), text);
        }
        assert!(batch_process_messages_utf16("[1]", None, NOW, &FixedOffset(0)).is_err());
    }

    #[test]
    fn date_dividers() {
        let out = processed();
        assert_eq!(out[0]["date_divider"], "31 декабря 2024");
        assert_eq!(out[1]["date_divider"], "Вчера");
        assert!(out[2].get("date_divider").is_none());
        assert_eq!(out[3]["date_divider"], "Сегодня");
        assert_eq!(out[4]["date_divider"], "13 января");
    }

    #[test]
    fn local_time_zone_moves_the_day() {
        // 2025-01-14T22:30Z is already the 15th in Moscow
        let json = json!([{"id": 1, "text": "x", "created_at": "2025-01-14T22:30:00Z"}]).to_string();
        let out: Value =
            serde_json::from_str(&batch_process_messages(&json, None, NOW, &FixedOffset(180)).unwrap()).unwrap();
        assert_eq!(out[0]["date_divider"], "Сегодня");
        assert_eq!(out[0]["formatted_time"], "01:30");
    }

    #[test]
    fn missing_fields_and_system_escaping() {
        let json = r#"[{}, {"message_type":"system","text":"<i>x</i>"}, {"user":null,"text":null}]"#;
        let out: Value =
            serde_json::from_str(&batch_process_messages(json, Some(1), NOW, &FixedOffset(0)).unwrap()).unwrap();
        assert_eq!(out[0]["id"], Value::Null);
        assert_eq!(out[0]["text"], "");
        assert_eq!(out[0]["formatted_time"], "");
        assert_eq!(out[1]["formatted_text"], "&lt;i&gt;x&lt;/i&gt;");
        assert!(batch_process_messages(r#"[{"user":5}]"#, Some(1), NOW, &FixedOffset(0)).is_err());
        assert!(batch_process_messages("{}", Some(1), NOW, &FixedOffset(0)).is_err());
    }
}
