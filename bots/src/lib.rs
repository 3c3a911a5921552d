//! GroupBuy bot core: what the bot says and how it understands users,
//! independent of any messenger.
//!
//! Telegram and VK adapters translate their updates into [`dialog::Input`] /
//! [`command::Command`] / [`callback::Callback`], call the API, and render
//! [`reply::Reply`] with its platform-neutral [`keyboard::Keyboard`]. The core
//! (everything but `runtime` and the adapters) performs no I/O, so every dialog
//! is a pure function and unit-tested.
//!
//! Conventions: money is `i64` kopecks everywhere; Russian is the default
//! language and English is chosen by `language_code` "en".

pub mod callback;
pub mod command;
pub mod dialog;
pub mod fake;
pub mod keyboard;
pub mod lang;
pub mod model;
pub mod outbound;
pub mod playground;
pub mod quantity;
pub mod reply;
pub mod runtime;
pub mod telegram;
pub mod texts;
pub mod validate;
pub mod vk;

pub use callback::Callback;
pub use command::Command;
pub use keyboard::Keyboard;
pub use lang::Lang;
pub use reply::Reply;
