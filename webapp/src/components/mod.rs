//! Pieces several pages of the cabinet share (the rest come from `web-kit`).

mod procurement_card;
mod progress;
mod quantity;
mod sign_in_needed;
mod status_badge;
mod unread_badge;
mod when;

pub use procurement_card::{ProcurementCard, days_left};
pub use progress::Progress;
pub use quantity::quantity;
pub use sign_in_needed::SignInNeeded;
pub use status_badge::{StatusBadge, order_status_code, order_status_name, status_name};
pub use unread_badge::{Unread, UnreadBadge};
pub use when::{ago, date_time};
