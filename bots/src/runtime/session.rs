//! What the bot remembers about one person in one chat between updates: the dialogue in
//! progress and the procurement list's filters. Kept in Redis as JSON with a TTL, so a restart
//! or another bot process continues where this one stopped, and an abandoned dialogue expires.

use std::time::Duration;

use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};

use super::Platform;
use crate::dialog::create_procurement::{CreateState, NewProcurement};
use crate::dialog::deposit::DepositState;
use crate::dialog::join::{JoinRequest, JoinState};
use crate::dialog::registration::RegistrationState;
use crate::dialog::search::SearchState;

/// A dialogue in progress: the core's dialogue states plus the runtime's own short ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "dialog", content = "state", rename_all = "snake_case")]
pub enum Dialog {
    Registration(RegistrationState),
    Search(SearchState),
    /// Typing a custom deposit amount.
    Deposit(DepositState),
    /// The bank needs the payer's INN once before the deposit of `amount` kopecks can start.
    Inn {
        amount: i64,
        sbp: bool,
    },
    Join(JoinState),
    /// The quantity is typed and its amount shown; waiting for the confirmation button.
    JoinConfirm(JoinRequest),
    CreateProcurement(CreateState),
    /// The summary is shown; waiting for the confirmation button.
    CreateConfirm(NewProcurement),
    EditPhone,
    EditEmail,
    /// Typing the city to filter the list by.
    FilterCity,
    /// `/broadcast`: typing where it goes.
    BroadcastTarget,
    /// `/broadcast`: typing the text.
    BroadcastText(BroadcastDraft),
    /// The summary is shown; waiting for the confirmation button.
    BroadcastConfirm(BroadcastDraft),
}

/// A broadcast being written in the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastDraft {
    /// A channel or group (`@name` or id); None for every active user of the messenger.
    pub chat: Option<String>,
    pub text: String,
}

impl Dialog {
    /// Whether a button press belongs to this dialogue (its own buttons) rather than ending it.
    pub fn takes_buttons(&self) -> bool {
        matches!(
            self,
            Dialog::Registration(_)
                | Dialog::CreateProcurement(_)
                | Dialog::CreateConfirm(_)
                | Dialog::JoinConfirm(_)
                | Dialog::BroadcastConfirm(_)
        )
    }
}

/// The procurement list's filters, kept so "next page" and "back to list" keep them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilter {
    pub category_id: Option<i64>,
    pub city: Option<String>,
    pub search: Option<String>,
}

impl ListFilter {
    pub fn is_empty(&self) -> bool {
        *self == ListFilter::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    #[serde(default)]
    pub dialog: Option<Dialog>,
    #[serde(default)]
    pub filter: ListFilter,
}

/// Where sessions live: one Redis key per platform, chat and person under the namespace.
#[derive(Clone)]
pub struct SessionStore {
    redis: ConnectionManager,
    namespace: String,
    ttl: Duration,
}

impl SessionStore {
    pub fn new(redis: ConnectionManager, namespace: String, ttl: Duration) -> Self {
        SessionStore { redis, namespace, ttl }
    }

    /// `{ns}:bot:dialog:{platform}:{chat_id}:{platform_user_id}`
    pub fn key(&self, platform: Platform, chat_id: i64, platform_user_id: &str) -> String {
        format!("{}:bot:dialog:{}:{chat_id}:{platform_user_id}", self.namespace, platform.as_str())
    }

    /// The stored session; one that no longer parses (an older release's) starts afresh.
    pub async fn load(&self, key: &str) -> redis::RedisResult<Session> {
        let mut conn = self.redis.clone();
        let raw: Option<String> = redis::cmd("GET").arg(key).query_async(&mut conn).await?;
        Ok(raw
            .and_then(|json| {
                serde_json::from_str(&json)
                    .inspect_err(|e| tracing::warn!(error = %e, key, "unreadable bot session dropped"))
                    .ok()
            })
            .unwrap_or_default())
    }

    /// Stores the session with a fresh TTL, or deletes the key when there is nothing to keep.
    pub async fn save(&self, key: &str, session: &Session) -> redis::RedisResult<()> {
        let mut conn = self.redis.clone();
        if *session == Session::default() {
            return redis::cmd("DEL").arg(key).query_async(&mut conn).await;
        }
        let json = serde_json::to_string(session).map_err(|e| {
            redis::RedisError::from((redis::ErrorKind::Client, "session not serialisable", e.to_string()))
        })?;
        let seconds = self.ttl.as_secs().max(1);
        redis::cmd("SET").arg(key).arg(json).arg("EX").arg(seconds).query_async(&mut conn).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_round_trip_through_json() {
        let session = Session {
            dialog: Some(Dialog::Registration(RegistrationState::Phone { name: "Иван".into() })),
            filter: ListFilter { city: Some("Барнаул".into()), ..ListFilter::default() },
        };
        let json = serde_json::to_string(&session).unwrap();
        assert!(json.contains("\"dialog\":\"registration\""), "{json}");
        assert_eq!(serde_json::from_str::<Session>(&json).unwrap(), session);
        for dialog in [Dialog::Search(SearchState), Dialog::EditPhone, Dialog::Inn { amount: 100, sbp: false }] {
            let s = Session { dialog: Some(dialog), filter: ListFilter::default() };
            assert_eq!(serde_json::from_str::<Session>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
        }
        assert_eq!(serde_json::from_str::<Session>("{}").unwrap(), Session::default());
    }
}
