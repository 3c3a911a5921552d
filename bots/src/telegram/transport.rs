//! Sending through teloxide: every request waits for the shared limiter, a 429 is retried
//! after its `retry_after`, and an edit Telegram refuses becomes a new message.

use teloxide::payloads::{AnswerCallbackQuerySetters, EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::Requester;
use teloxide::types::{CallbackQueryId, ChatId, MessageId, Recipient, ReplyMarkup};
use teloxide::{ApiError, Bot, RequestError};

use super::markup::{inline_markup, reply_markup};
use crate::keyboard::KeyboardKind;
use crate::outbound::{Limiter, with_retry_after};
use crate::runtime::{CallbackAck, Outgoing, Platform, SendError, Transport};

#[derive(Clone)]
pub struct TelegramTransport {
    bot: Bot,
    limiter: Limiter,
}

impl TelegramTransport {
    pub fn new(bot: Bot, limiter: Limiter) -> Self {
        TelegramTransport { bot, limiter }
    }

    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    /// Sends plain `text` (no parse mode: typed titles must not break it) to a chat id or an
    /// `@channel`; returns the message id.
    pub async fn send_text(&self, to: Recipient, text: &str, markup: Option<ReplyMarkup>) -> Result<i64, SendError> {
        let is_group = match &to {
            Recipient::Id(ChatId(id)) => *id < 0,
            Recipient::ChannelUsername(_) => true,
        };
        let (to, markup) = (&to, &markup);
        with_retry_after(move || async move {
            self.limiter.acquire(Platform::Telegram, recipient_key(to), is_group).await?;
            let mut request = self.bot.send_message(to.clone(), text);
            if let Some(markup) = markup.clone() {
                request = request.reply_markup(markup);
            }
            let sent = request.await.map_err(send_error)?;
            Ok(i64::from(sent.id.0))
        })
        .await
    }

    /// Replaces a message's text and inline keyboard; `Ok(false)` when Telegram refuses the
    /// edit (too old, deleted, not the bot's), so the caller sends a new message instead.
    async fn edit_text(&self, message: &Outgoing, message_id: i64) -> Result<bool, SendError> {
        let chat = ChatId(message.chat_id);
        with_retry_after(move || async move {
            self.limiter.acquire(Platform::Telegram, message.chat_id, message.chat_id < 0).await?;
            let mut request = self.bot.edit_message_text(chat, MessageId(message_id as i32), &message.reply.text);
            if let Some(keyboard) = &message.reply.keyboard {
                request = request.reply_markup(inline_markup(keyboard));
            }
            match request.await {
                Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(true),
                Err(RequestError::Api(refusal)) => {
                    tracing::debug!(%refusal, message_id, "edit refused; sending a new message");
                    Ok(false)
                }
                Err(other) => Err(send_error(other)),
            }
        })
        .await
    }
}

#[async_trait::async_trait]
impl Transport for TelegramTransport {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    async fn deliver(&self, message: &Outgoing, _key: &str) -> Result<i64, SendError> {
        let keyboard = message.reply.keyboard.as_ref();
        // Only inline keyboards survive an edit; a reply keyboard needs a new message.
        let editable = keyboard.is_none_or(|k| k.kind == KeyboardKind::Inline);
        if let Some(id) = message.edit_message_id.filter(|_| editable)
            && self.edit_text(message, id).await?
        {
            return Ok(id);
        }
        self.send_text(Recipient::Id(ChatId(message.chat_id)), &message.reply.text, keyboard.map(reply_markup)).await
    }

    async fn acknowledge(&self, ack: &CallbackAck) -> Result<(), SendError> {
        // Not a message: Telegram does not count it against the sending limits.
        let mut request = self.bot.answer_callback_query(CallbackQueryId(ack.query_id.clone()));
        if let Some(notice) = &ack.notice {
            request = request.text(notice);
        }
        let request = &request;
        with_retry_after(move || async move { request.clone().await.map(drop).map_err(send_error) }).await
    }
}

/// The limiter's name for a chat: its id, or the channel's `@name`.
fn recipient_key(to: &Recipient) -> String {
    match to {
        Recipient::Id(ChatId(id)) => id.to_string(),
        Recipient::ChannelUsername(name) => name.clone(),
    }
}

/// Telegram's answer in the port's terms: 429 waits, a refusal is final, the rest is retried later.
pub(crate) fn send_error(error: RequestError) -> SendError {
    match error {
        RequestError::RetryAfter(wait) => SendError::RetryAfter(wait.duration()),
        RequestError::Api(refusal) => SendError::Refused(refusal.to_string()),
        RequestError::MigrateToChatId(to) => SendError::Refused(format!("the group moved to chat {to}")),
        other => SendError::Unavailable(other.to_string()),
    }
}
