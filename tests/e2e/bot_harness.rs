#![allow(dead_code)]
//! Scripted conversations with the bot engine: a person in a chat sends texts and presses
//! buttons; each step is one `Conversation::handle` against real PostgreSQL and Redis.

use crate::support::{REDIS_URL, TestApp, pay_into};
use bots::keyboard::Keyboard;
use bots::runtime::{Answer, ChatKind, Conversation, ConversationSettings, Event, Incoming, Person, Platform};
use redis::aio::ConnectionManager;

pub const WEB_BASE: &str = "http://web.test";

pub async fn redis() -> ConnectionManager {
    ConnectionManager::new(redis::Client::open(REDIS_URL).unwrap()).await.unwrap()
}

/// A fresh Redis namespace for one test.
pub fn namespace() -> String {
    format!("gbtest:{}", uuid::Uuid::new_v4().simple())
}

/// A bot process of the test's installation (same database and sandbox bank, namespace `ns`).
pub async fn engine(app: &TestApp, ns: &str) -> Conversation {
    let mut settings = ConversationSettings::new(ns, WEB_BASE, pay_into(Some(format!("{}/pay", app.sandbox.url()))));
    settings.bank = Some(app.bank.clone());
    Conversation::new(app.pool.clone(), redis().await, settings)
}

/// One person talking to the bot in one chat.
#[derive(Clone)]
pub struct Chat {
    pub bot: Conversation,
    pub platform: Platform,
    pub chat_id: i64,
    pub kind: ChatKind,
    pub person: Person,
}

/// A private chat with a new person (a random id) whose messenger reports `language`.
pub fn private(bot: &Conversation, platform: Platform, language: Option<&str>) -> Chat {
    let id = 100_000 + (uuid::Uuid::new_v4().as_u128() % 1_000_000_000) as i64;
    Chat {
        bot: bot.clone(),
        platform,
        chat_id: id,
        kind: ChatKind::Private,
        person: Person {
            platform_user_id: id.to_string(),
            first_name: "Test".into(),
            last_name: String::new(),
            username: Some(format!("user{id}")),
            language_code: language.map(str::to_string),
        },
    }
}

impl Chat {
    /// The same person and chat through another bot process.
    pub fn via(&self, bot: &Conversation) -> Chat {
        Chat { bot: bot.clone(), ..self.clone() }
    }

    pub async fn say(&self, text: &str) -> Answer {
        self.send(Event::Text(text.to_string())).await
    }

    pub async fn press(&self, data: &str) -> Answer {
        let query_id = uuid::Uuid::new_v4().to_string();
        self.send(Event::Callback { query_id, data: data.to_string(), message_id: Some(77) }).await
    }

    pub async fn send(&self, event: Event) -> Answer {
        let incoming = Incoming {
            platform: self.platform,
            chat_id: self.chat_id,
            chat_kind: self.kind,
            from: self.person.clone(),
            event,
        };
        self.bot.handle(incoming).await
    }

    /// Registers through the dialogue as `role` ("buyer", "organizer", "supplier"); returns the user id.
    pub async fn register(&self, app: &TestApp, name: &str, role: &str) -> i64 {
        self.say("/start").await;
        self.say(name).await;
        self.say("+79991234567").await;
        self.press("skip").await;
        let done = self.press(&format!("role_{role}")).await;
        assert!(keyboard(&done).is_some(), "registration ends with the main menu: {done:?}");
        self.user_id(app).await.expect("registered")
    }

    pub async fn user_id(&self, app: &TestApp) -> Option<i64> {
        sqlx::query_scalar("SELECT user_id FROM user_identities WHERE platform = $1 AND platform_user_id = $2")
            .bind(self.platform.as_str())
            .bind(&self.person.platform_user_id)
            .fetch_optional(&app.pool)
            .await
            .unwrap()
    }
}

/// Every message's text, in order, one per line block.
pub fn text(answer: &Answer) -> String {
    answer.messages.iter().map(|m| m.reply.text.as_str()).collect::<Vec<_>>().join("\n---\n")
}

/// The last message's keyboard.
pub fn keyboard(answer: &Answer) -> Option<&Keyboard> {
    answer.messages.iter().rev().find_map(|m| m.reply.keyboard.as_ref())
}

/// All callback data on the answer's keyboards.
pub fn callbacks(answer: &Answer) -> Vec<String> {
    answer
        .messages
        .iter()
        .filter_map(|m| m.reply.keyboard.as_ref())
        .flat_map(|k| k.callbacks().map(String::from))
        .collect()
}

/// All URLs on the answer's keyboards.
pub fn urls(answer: &Answer) -> Vec<String> {
    answer
        .messages
        .iter()
        .filter_map(|m| m.reply.keyboard.as_ref())
        .flat_map(|k| k.buttons.iter().flatten().filter_map(|b| b.url.clone()))
        .collect()
}

#[track_caller]
pub fn assert_says(answer: &Answer, needle: &str) {
    let all = text(answer);
    assert!(all.contains(needle), "expected {needle:?} in:\n{all}");
}

#[track_caller]
pub fn assert_has_button(answer: &Answer, data: &str) {
    let all = callbacks(answer);
    assert!(all.iter().any(|d| d == data), "expected button {data:?} among {all:?}");
}

/// The stored dialogue of a chat, as JSON, if any.
pub async fn stored_session(ns: &str, chat: &Chat) -> Option<String> {
    let mut conn = redis().await;
    let key = format!("{ns}:bot:dialog:{}:{}:{}", chat.platform.as_str(), chat.chat_id, chat.person.platform_user_id);
    redis::cmd("GET").arg(key).query_async(&mut conn).await.unwrap()
}
