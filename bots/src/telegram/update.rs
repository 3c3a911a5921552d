//! A Telegram update as the runtime's platform-neutral [`Incoming`].

use teloxide::types::{Chat, Update, UpdateKind, User};

use crate::runtime::{ChatKind, Event, Incoming, Person, Platform};

/// The update as an [`Incoming`], or `None` for what the bot does not answer (channel posts,
/// edits, reactions, messages without a sender).
pub fn incoming(update: &Update) -> Option<Incoming> {
    match &update.kind {
        UpdateKind::Message(message) => {
            let from = message.from.as_ref()?;
            // A photo or sticker still gets an answer (a hint), so it arrives as its caption or "".
            let text = message.text().or(message.caption()).unwrap_or_default();
            Some(Incoming {
                platform: Platform::Telegram,
                chat_id: message.chat.id.0,
                chat_kind: chat_kind(&message.chat),
                from: person(from),
                event: Event::Text(text.to_string()),
            })
        }
        UpdateKind::CallbackQuery(query) => {
            let (chat_id, chat_kind, message_id) = match &query.message {
                Some(message) => (message.chat().id.0, chat_kind(message.chat()), Some(i64::from(message.id().0))),
                // A button under an inline-mode message: answer the person privately.
                None => (query.from.id.0 as i64, ChatKind::Private, None),
            };
            Some(Incoming {
                platform: Platform::Telegram,
                chat_id,
                chat_kind,
                from: person(&query.from),
                event: Event::Callback {
                    query_id: query.id.0.clone(),
                    data: query.data.clone().unwrap_or_default(),
                    message_id,
                },
            })
        }
        _ => None,
    }
}

fn chat_kind(chat: &Chat) -> ChatKind {
    if chat.is_private() {
        ChatKind::Private
    } else if chat.is_channel() {
        ChatKind::Channel
    } else {
        ChatKind::Group
    }
}

fn person(user: &User) -> Person {
    Person {
        platform_user_id: user.id.0.to_string(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone().unwrap_or_default(),
        username: user.username.clone(),
        language_code: user.language_code.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(json: serde_json::Value) -> Update {
        // From text, as updates arrive: teloxide's `Update` does not read from a `Value`.
        serde_json::from_str(&json.to_string()).unwrap()
    }

    #[test]
    fn a_group_message_names_its_person_and_language() {
        let incoming = incoming(&update(serde_json::json!({
            "update_id": 5,
            "message": {
                "message_id": 9, "date": 1_700_000_000,
                "chat": {"id": -100_123, "type": "supergroup", "title": "Закупщики"},
                "from": {"id": 42, "is_bot": false, "first_name": "Анна", "username": "anna", "language_code": "en"},
                "text": "/help"
            }
        })))
        .unwrap();
        assert_eq!(incoming.chat_id, -100_123);
        assert_eq!(incoming.chat_kind, ChatKind::Group);
        assert_eq!(incoming.from.platform_user_id, "42");
        assert_eq!(incoming.from.language_code.as_deref(), Some("en"));
        assert_eq!(incoming.event, Event::Text("/help".into()));
    }

    #[test]
    fn a_button_press_is_a_callback_under_its_message() {
        let incoming = incoming(&update(serde_json::json!({
            "update_id": 6,
            "callback_query": {
                "id": "q1", "chat_instance": "c", "data": "view_proc_3",
                "from": {"id": 42, "is_bot": false, "first_name": "Анна"},
                "message": {
                    "message_id": 11, "date": 1_700_000_000,
                    "chat": {"id": 42, "type": "private", "first_name": "Анна"},
                    "text": "Закупки"
                }
            }
        })))
        .unwrap();
        assert_eq!(incoming.chat_kind, ChatKind::Private);
        assert_eq!(
            incoming.event,
            Event::Callback { query_id: "q1".into(), data: "view_proc_3".into(), message_id: Some(11) }
        );
    }

    #[test]
    fn channel_posts_are_not_answered() {
        let post = update(serde_json::json!({
            "update_id": 7,
            "channel_post": {
                "message_id": 1, "date": 1_700_000_000,
                "chat": {"id": -1_005, "type": "channel", "title": "Новости"},
                "text": "hello"
            }
        }));
        assert_eq!(incoming(&post), None);
    }
}
