//! The port through which the platform writes to people in their messengers (Telegram, VK):
//! notifications, broadcasts. The bot adapters implement it behind a rate limiter shared by
//! every process; the jobs that call it record before and after each send, so a job run twice
//! sends a message at most once more only when a process died between the messenger accepting
//! it and our record.

use std::time::Duration;

/// A messenger the platform speaks to (the `platform` stored on a person's identity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Telegram,
    Vk,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::Telegram, Platform::Vk];

    /// The value in `user_identities.platform`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Telegram => "telegram",
            Platform::Vk => "vk",
        }
    }

    pub fn parse(name: &str) -> Option<Platform> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// One message to one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub platform: Platform,
    /// Telegram's `chat_id` (a person's chat is their user id; a channel may be `@name`), or
    /// VK's `peer_id`.
    pub chat_id: String,
    /// Plain text (no markup: titles typed by people must not break a message).
    pub text: String,
    /// Unique per message the platform means to send once (VK's `random_id` is derived from it).
    pub key: String,
}

/// What the messenger said about a message it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The messenger asks us to wait (Telegram's 429 `retry_after`); try again after it.
    #[error("rate limited: retry after {0:?}")]
    RetryAfter(Duration),
    /// This chat cannot be written to (blocked the bot, deleted, no rights): never retried.
    #[error("recipient refused: {0}")]
    Refused(String),
    /// The messenger could not be reached or failed: retried with backoff.
    #[error("messenger unavailable: {0}")]
    Unavailable(String),
}

#[async_trait::async_trait]
pub trait Messenger: Send + Sync {
    /// Whether messages to `platform` can be sent at all (its bot is configured).
    fn serves(&self, platform: Platform) -> bool;

    /// Sends `message`, waiting for the shared rate limiter's permission first.
    async fn send(&self, message: &Outbound) -> Result<Sent, SendError>;
}
