//! Request and response bodies, with the original API's field names.

pub mod category;
pub mod chat;
pub mod enums;
mod fixed;
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
pub use text::{Text, strict};

use poem_openapi::types::MaybeUndefined;

/// Absent → leave alone (`None`), `null` → clear (`Some(None)`), value → set.
pub fn maybe<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}
