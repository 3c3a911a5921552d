//! Request and response bodies, with the original API's field names.

pub mod admin;
pub mod category;
pub mod chat;
pub mod enums;
mod fixed;
pub mod ml;
pub mod notification;
mod page;
pub mod participant;
pub mod payment;
pub mod procurement;
mod text;
pub mod transaction;
pub mod user;

pub use fixed::{Amount, NonZeroAmount, Pct, PositiveAmount, PositiveQty, Qty, SignedAmount};
pub use page::{Paginated, page_links};
pub use text::{Text, strict, strict_present};

use poem_openapi::types::MaybeUndefined;

/// Absent → leave alone (`None`), `null` → clear (`Some(None)`), value → set.
pub fn maybe<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

/// An optional field the document does not declare nullable: absent is `None`, `null` is refused
/// as the schema says (poem would otherwise read it as absent).
pub fn not_null<T: poem_openapi::types::ParseFromJSON>(
    value: Option<serde_json::Value>,
) -> poem_openapi::types::ParseResult<Option<T>> {
    match value {
        Some(serde_json::Value::Null) => Err(poem_openapi::types::ParseError::custom("null is not allowed here")),
        value => <Option<T> as poem_openapi::types::ParseFromJSON>::parse_from_json(value),
    }
}
