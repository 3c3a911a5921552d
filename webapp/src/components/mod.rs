//! Pieces several pages of the cabinet share (the rest come from `web-kit`).

mod sign_in_needed;

pub use sign_in_needed::SignInNeeded;
mod unread_badge;
pub use unread_badge::{Unread, UnreadBadge};
