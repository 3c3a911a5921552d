//! Messages on VK: `messages.send`, `messages.edit`, `messages.sendMessageEventAnswer`, and the
//! [`Transport`] the bot runtime delivers answers through.

use serde_json::{Value, json};

use super::client::VkClient;
use super::error::VkError;
use super::keyboard;
use super::random_id::random_id;
use crate::runtime::{CallbackAck, Outgoing, Platform, SendError, Transport};

/// The text of the extra messages carrying the rest of an inline keyboard over VK's limits (VK
/// sends no message without text).
pub const CONTINUATION: &str = "⋯";

/// A snackbar's text limit.
const SNACKBAR_CHARS: usize = 90;

impl VkClient {
    /// Sends `text` to `peer_id` once per `random_id`; returns the message's
    /// `conversation_message_id` (what `message_event` names and `messages.edit` takes, in
    /// private chats and conversations alike).
    pub async fn send_message(
        &self,
        peer_id: i64,
        text: &str,
        keyboard: Option<&Value>,
        random_id: i32,
    ) -> Result<i64, VkError> {
        let mut params = vec![
            ("peer_ids", peer_id.to_string()),
            ("message", text.to_string()),
            ("random_id", random_id.to_string()),
        ];
        if let Some(keyboard) = keyboard {
            params.push(("keyboard", keyboard.to_string()));
        }
        let response = self.call("messages.send", &params).await?;
        let sent = response.get(0).ok_or_else(|| VkError::malformed("response[0]", &response))?;
        if let Some(error) = sent.get("error") {
            // Per-peer errors name their fields `code` and `description`.
            let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
            let message = error.get("description").and_then(Value::as_str).unwrap_or("").to_string();
            return Err(VkError::Api { code, message });
        }
        sent.get("conversation_message_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| VkError::malformed("conversation_message_id", sent))
    }

    pub async fn edit_message(
        &self,
        peer_id: i64,
        conversation_message_id: i64,
        text: &str,
        keyboard: Option<&Value>,
    ) -> Result<(), VkError> {
        let mut params = vec![
            ("peer_id", peer_id.to_string()),
            ("conversation_message_id", conversation_message_id.to_string()),
            ("message", text.to_string()),
        ];
        if let Some(keyboard) = keyboard {
            params.push(("keyboard", keyboard.to_string()));
        }
        self.call("messages.edit", &params).await.map(drop)
    }

    /// Answers a callback button within VK's minute, with a snackbar when there is a notice.
    pub async fn answer_event(&self, ack: &CallbackAck) -> Result<(), VkError> {
        let mut params = vec![
            ("event_id", ack.query_id.clone()),
            ("user_id", ack.platform_user_id.clone()),
            ("peer_id", ack.chat_id.to_string()),
        ];
        if let Some(notice) = &ack.notice {
            let text: String = notice.chars().take(SNACKBAR_CHARS).collect();
            params.push(("event_data", json!({ "type": "show_snackbar", "text": text }).to_string()));
        }
        self.call("messages.sendMessageEventAnswer", &params).await.map(drop)
    }

    /// The message itself, edited in place when asked and VK allows it, else sent anew.
    async fn deliver_first(&self, message: &Outgoing, keyboard: Option<&Value>, key: &str) -> Result<i64, VkError> {
        let text = &message.reply.text;
        if let Some(id) = message.edit_message_id {
            match self.edit_message(message.chat_id, id, text, keyboard).await {
                Ok(()) => return Ok(id),
                // Too old, not ours, deleted…: the person still gets the screen, as a new message.
                Err(VkError::Api { code, message }) => {
                    tracing::debug!(code, message, "VK refused an edit; sending anew")
                }
                Err(network) => return Err(network),
            }
        }
        self.send_message(message.chat_id, text, keyboard, random_id(key)).await
    }
}

#[async_trait::async_trait]
impl Transport for VkClient {
    fn platform(&self) -> Platform {
        Platform::Vk
    }

    /// Long inline keyboards continue in further messages (see [`keyboard::render`]), each with
    /// its own `random_id` derived from `key`, so a retry resends none of them.
    async fn deliver(&self, message: &Outgoing, key: &str) -> Result<i64, SendError> {
        let pages = message.reply.keyboard.as_ref().map(keyboard::render).unwrap_or_default();
        let id = self.deliver_first(message, pages.first(), key).await?;
        for (n, page) in pages.iter().enumerate().skip(1) {
            self.send_message(message.chat_id, CONTINUATION, Some(page), random_id(&format!("{key}#{n}"))).await?;
        }
        Ok(id)
    }

    async fn acknowledge(&self, ack: &CallbackAck) -> Result<(), SendError> {
        Ok(self.answer_event(ack).await?)
    }
}
