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

/// A message's text limit (VK answers a longer one with error 914).
pub const TEXT_CHARS: usize = 4096;

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

/// `text` in parts of at most [`TEXT_CHARS`], cut after a line where one ends close enough.
fn text_parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.chars().count() > TEXT_CHARS {
        let limit = rest.char_indices().nth(TEXT_CHARS).map_or(rest.len(), |(at, _)| at);
        let cut = match rest[..limit].rfind('\n') {
            Some(newline) if newline >= limit / 2 => newline + 1,
            _ => limit,
        };
        parts.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    parts.push(rest);
    parts
}

#[async_trait::async_trait]
impl Transport for VkClient {
    fn platform(&self) -> Platform {
        Platform::Vk
    }

    /// A text over VK's limit goes out in parts, the last one carrying the keyboard (and being
    /// the message returned and edited); long inline keyboards continue in further messages
    /// (see [`keyboard::render`]). Each message has its own `random_id` derived from `key`, so
    /// a retry resends none of them.
    async fn deliver(&self, message: &Outgoing, key: &str) -> Result<i64, SendError> {
        let mut parts = text_parts(&message.reply.text);
        let last = parts.pop().unwrap_or_default();
        for (n, part) in parts.iter().enumerate() {
            self.send_message(message.chat_id, part, None, random_id(&format!("{key}#text{n}"))).await?;
        }
        let mut message = message.clone();
        message.reply.text = last.to_string();
        let pages = message.reply.keyboard.as_ref().map(keyboard::render).unwrap_or_default();
        let id = self.deliver_first(&message, pages.first(), key).await?;
        for (n, page) in pages.iter().enumerate().skip(1) {
            self.send_message(message.chat_id, CONTINUATION, Some(page), random_id(&format!("{key}#{n}"))).await?;
        }
        Ok(id)
    }

    async fn acknowledge(&self, ack: &CallbackAck) -> Result<(), SendError> {
        Ok(self.answer_event(ack).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_after_a_line_within_the_limit() {
        assert_eq!(text_parts("short"), ["short"]);
        let line = format!("{}\n", "я".repeat(99));
        let text = line.repeat(100);
        let parts = text_parts(&text);
        assert!(parts.iter().all(|p| p.chars().count() <= TEXT_CHARS && p.ends_with('\n')));
        assert_eq!(parts.concat(), text);
        let unbroken = "x".repeat(TEXT_CHARS * 2 + 1);
        assert_eq!(text_parts(&unbroken).iter().map(|p| p.len()).collect::<Vec<_>>(), [TEXT_CHARS, TEXT_CHARS, 1]);
    }
}
