//! The port through which a room's events leave the use cases for the connected sockets. The
//! events serialize to exactly the frames clients receive (`{"type": "message", …}`).

use super::message::Message;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomEvent {
    /// A new message, sent to everyone in the room, its author included.
    Message(Message),
    /// A message whose text changed (`is_edited` set).
    Edited(Message),
    /// A message that was soft-deleted.
    Deleted { id: i64, seq: i64, procurement_id: i64, deleted_by: Option<i64> },
    /// Someone is typing; sent to the others only.
    Typing { procurement_id: i64, user_id: i64, is_typing: bool },
    /// Joined, left, status changed: sent to the others when it is about a person.
    System { procurement_id: i64, event: String, text: String, user_id: Option<i64>, timestamp: String },
}

impl RoomEvent {
    /// Whether the person the event is about should not get it back (typing, joined, left).
    pub fn to_others_only(&self) -> bool {
        matches!(self, Self::Typing { .. } | Self::System { user_id: Some(_), .. })
    }
}

/// The room's Redis channel, which every publisher writes to and every node subscribes to.
pub fn room_channel(namespace: &str, procurement_id: i64) -> String {
    format!("{namespace}:chat:room:{procurement_id}")
}

/// Carries events to every socket of the room, on every node. Publishing happens after the
/// commit and must not fail the use case: the row is stored, and sockets that missed the event
/// find the message by sequence number.
#[async_trait::async_trait]
pub trait Feed: Send + Sync {
    async fn publish(&self, procurement_id: i64, event: &RoomEvent);

    /// The people with a socket open on the room now, on any node: they see new messages live
    /// and get no `new_message` notification. Unknown (the feed is down) is nobody.
    async fn present(&self, procurement_id: i64) -> Vec<i64>;
}

/// A feed for processes without sockets (jobs, tools): events go nowhere.
pub struct NoFeed;

#[async_trait::async_trait]
impl Feed for NoFeed {
    async fn publish(&self, _: i64, _: &RoomEvent) {}

    async fn present(&self, _: i64) -> Vec<i64> {
        Vec::new()
    }
}
