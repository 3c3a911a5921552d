//! The bot runtime: what the Telegram and VK adapters hand over and get back. An adapter turns
//! a platform update into an [`Incoming`], the conversation (this module's children) answers it
//! from `workflows` with an [`Answer`], and the adapter renders that in its platform's terms.
//! Unlike the pure core around it, this part does I/O (PostgreSQL through `workflows`, Redis
//! for dialogue state).

mod account;
mod broadcasting;
mod browse;
mod conversation;
mod dispatch;
mod handler;
mod inbox;
mod locks;
mod orders;
mod organizing;
mod session;
mod transport;
mod turn;
mod views;
mod wallet;

pub use conversation::{Conversation, ConversationSettings, DEFAULT_DIALOGUE_TTL};
pub use handler::Handler;
pub use inbox::{cabinet_buttons, mini_app_available};
pub use transport::Transport;
pub use workflows::messenger::{Platform, SendError};

use crate::reply::Reply;

/// Who wrote, as the messenger describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The messenger's id for the person (Telegram `from.id`, VK `from_id`), as text.
    pub platform_user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub username: Option<String>,
    /// The messenger's locale (`language_code`), when it reports one.
    pub language_code: Option<String>,
}

/// Where an update came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// A one-to-one chat with the bot.
    Private,
    /// A group, supergroup or VK conversation.
    Group,
    /// A channel post (Telegram) or a community wall event: not answered.
    Channel,
}

/// What the person did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message (a typed text, a command, a reply-keyboard label).
    Text(String),
    /// An inline button press.
    Callback {
        /// Telegram's `callback_query.id`, VK's `event_id`: answered once.
        query_id: String,
        data: String,
        /// The message the button hangs under, which the answer may edit.
        message_id: Option<i64>,
    },
}

/// One update, platform-neutral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub platform: Platform,
    /// Telegram `chat.id`, VK `peer_id`.
    pub chat_id: i64,
    pub chat_kind: ChatKind,
    pub from: Person,
    pub event: Event,
}

/// One message of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub chat_id: i64,
    pub reply: Reply,
    /// Edit this earlier message of the bot instead of sending a new one (a screen refreshed by
    /// its own button); adapters fall back to a new message when the edit is refused.
    pub edit_message_id: Option<i64>,
}

/// A callback query's acknowledgement (Telegram `answerCallbackQuery`, VK
/// `sendMessageEventAnswer`); a short notice the messenger shows as a toast, or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackAck {
    pub query_id: String,
    /// Where the button was pressed and by whom (VK's answer names both).
    pub chat_id: i64,
    pub platform_user_id: String,
    pub notice: Option<String>,
}

/// Everything the bot does in answer to one update, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub ack: Option<CallbackAck>,
    pub messages: Vec<Outgoing>,
}
