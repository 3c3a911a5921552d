//! Broadcasts: an organizer's or staff member's message to many chats, sent as one durable job
//! per target on the `broadcasts` queue through the [`crate::messenger::Messenger`] port (so
//! under the limiter every bot process shares).
//!
//! Who may broadcast: organizers and staff (service clients, and users marked staff). An
//! organizer sees and steers only their own broadcasts; "all users of a platform" is for staff
//! only. Each target row is recorded `sending` before its message leaves and `sent` or `failed`
//! after, so a worker killed mid-way resumes without sending any target twice (see
//! [`crate::notify`]'s send log for the one case that stays open).

mod deliver;
mod lifecycle;
mod status;
mod store;
mod target;

pub use deliver::deliver_target;
pub use lifecycle::{NewBroadcast, cancel, create, start};
pub use status::{BroadcastEvent, BroadcastStatus};
pub use store::{Broadcast, get, list};
pub use target::{MAX_TARGETS, MAX_TEXT_CHARS, Target};
