//! The VK adapter: a thin API client ([`VkClient`]), Bots Long Poll ([`run_long_poll`]) and the
//! Callback API ([`callback_api::endpoint`]) turning updates into the runtime's
//! [`Incoming`](crate::runtime::Incoming), and answers rendered in VK's terms (keyboards,
//! `messages.send` with a `random_id` derived from each message's key, callback buttons
//! answered with `messages.sendMessageEventAnswer`). [`VkClient`] implements
//! [`Transport`](crate::runtime::Transport).

pub mod callback_api;
mod claims;
mod client;
mod dispatch;
mod error;
pub mod keyboard;
mod long_poll;
mod messages;
mod names;
mod pace;
mod random_id;
pub mod updates;

pub use claims::EventClaims;
pub use client::{API_VERSION, Check, DEFAULT_API_URL, LongPollServer, VkClient, VkConfig};
pub use dispatch::Handler;
pub use error::VkError;
pub use long_poll::{run_long_poll, run_long_poll_claiming};
pub use messages::CONTINUATION;
pub use random_id::random_id;
