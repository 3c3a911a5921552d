//! Pieces several pages of the cabinet share (the rest come from `web-kit`).

mod sign_in_needed;

pub use sign_in_needed::SignInNeeded;
mod procurement_card;
mod progress;
mod status_badge;
pub use procurement_card::{ProcurementCard, days_left};
pub use progress::Progress;
pub use status_badge::{StatusBadge, order_status_code, order_status_name, status_name};
mod quantity;
pub use quantity::quantity;
mod when;
pub use when::{ago, date_time};
