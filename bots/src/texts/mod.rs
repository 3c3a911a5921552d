//! Everything the bot says, in Russian (default) and English.
//!
//! Each text is a function taking `Lang`, with both translations side by
//! side so they are edited together. Texts are plain (no Markdown).

pub mod common;
pub mod details;
pub mod labels;
pub mod payment;
pub mod procurement;
pub mod registration;

pub use crate::money::format_money;
pub use details::{format_procurement_details, status_emoji, status_label};
