//! The live parts: WebSockets that reconnect by themselves. `socket` is the connection with its
//! backoff and token renewal; `room` speaks a procurement chat's protocol (gap-free resume with
//! `?since=`); `notifications` shares one `/ws/notifications/` connection among the parts of the
//! page that show the person's notifications and unread badges.

pub mod notifications;
pub mod room;
pub mod socket;
