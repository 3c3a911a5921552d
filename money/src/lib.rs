//! Money for every GroupBuy crate: integer kopecks, one exact decimal parser, one wire form
//! (`"1500.00"`) and one grouped form for people (`"1 500,00 ₽"`). No floating point anywhere.
//!
//! The domain, the bots, the admin app and `wasm-utils` all use this crate, so an amount is
//! read and shown the same way everywhere. It has no dependencies unless the `serde` or `sqlx`
//! feature asks for them.

mod display;
mod fixed;
mod money;
mod parse;
#[cfg(feature = "sqlx")]
mod sql;

pub use display::{Kopecks, Style, format_rubles};
pub use fixed::{Money, Percent, Quantity};
pub use parse::{MAX_HUNDREDTHS, ParseError, Syntax, parse_hundredths, parse_typed_amount};
