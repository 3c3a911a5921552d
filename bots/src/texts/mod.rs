//! Everything the bot says, in Russian (default) and English.
//!
//! Each text is a function taking `Lang`, with both translations side by
//! side so they are edited together. Texts are plain (no Markdown).

pub mod broadcast;
pub mod common;
pub mod details;
pub mod labels;
pub mod outlook;
pub mod payment;
pub mod procurement;
pub mod registration;
pub mod screens;

use crate::lang::Lang;
pub use details::{format_procurement_details, status_emoji, status_label};
use money::{Money, Style};

/// An amount in kopecks as a reply shows it: "1 500,00 ₽" in Russian, "1,500.00 ₽" in English.
pub fn format_money(kopecks: i64, lang: Lang) -> String {
    Money::from_kopecks(kopecks).grouped(money_style(lang))
}

/// How amounts are written in `lang`.
pub fn money_style(lang: Lang) -> Style {
    lang.pick(Style::RU, Style::EN)
}
