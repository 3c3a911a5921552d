//! The `workflows` [`Messenger`] port over the bots' transports: notifications and broadcasts
//! go through the same clients and the same shared limiter as replies.

use std::sync::Arc;

use teloxide::types::{ChatId, Recipient};
use workflows::messenger::{Messenger, Outbound, Platform, SendError, Sent};

use crate::reply::Reply;
use crate::runtime::{Outgoing, Transport};
use crate::telegram::TelegramTransport;

/// The configured messengers; a platform without a transport is not served.
#[derive(Clone, Default)]
pub struct Messengers {
    telegram: Option<TelegramTransport>,
    vk: Option<Arc<dyn Transport>>,
}

impl Messengers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_telegram(mut self, transport: TelegramTransport) -> Self {
        self.telegram = Some(transport);
        self
    }

    /// VK's transport (its `deliver` derives `random_id` from the message key).
    pub fn with_vk(mut self, transport: Arc<dyn Transport>) -> Self {
        self.vk = Some(transport);
        self
    }
}

#[async_trait::async_trait]
impl Messenger for Messengers {
    fn serves(&self, platform: Platform) -> bool {
        match platform {
            Platform::Telegram => self.telegram.is_some(),
            Platform::Vk => self.vk.is_some(),
        }
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, SendError> {
        let unserved = || SendError::Refused(format!("no {} bot is configured", message.platform.as_str()));
        let message_id = match message.platform {
            Platform::Telegram => {
                let telegram = self.telegram.as_ref().ok_or_else(unserved)?;
                telegram.send_text(telegram_recipient(&message.chat_id)?, &message.text, None).await?
            }
            Platform::Vk => {
                let vk = self.vk.as_ref().ok_or_else(unserved)?;
                let peer = message
                    .chat_id
                    .parse()
                    .map_err(|_| SendError::Refused(format!("'{}' is not a VK peer id", message.chat_id)))?;
                let outgoing =
                    Outgoing { chat_id: peer, reply: Reply::text(message.text.clone()), edit_message_id: None };
                vk.deliver(&outgoing, &message.key).await?
            }
        };
        Ok(Sent { message_id: message_id.to_string() })
    }
}

/// A numeric chat id, or a public channel's `@name`.
fn telegram_recipient(chat_id: &str) -> Result<Recipient, SendError> {
    if let Ok(id) = chat_id.parse::<i64>() {
        return Ok(Recipient::Id(ChatId(id)));
    }
    if chat_id.len() > 1 && chat_id.starts_with('@') {
        return Ok(Recipient::ChannelUsername(chat_id.to_string()));
    }
    Err(SendError::Refused(format!("'{chat_id}' is neither a Telegram chat id nor an @channel")))
}
