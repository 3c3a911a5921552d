//! The chat of each procurement: messages with a per-room sequence number, who may read and
//! write a room, read marks and unread counts. Each use case opens its own transaction; what
//! happened is then handed to the [`Feed`] port, which carries it to every connected socket on
//! every node (the API's Redis fan-out). The database stays the truth: a client that missed a
//! publication catches up by sequence number.

mod access;
mod alerts;
mod attachment;
mod change;
mod feed;
mod history;
mod message;
mod post;
mod reads;
mod store;

pub use access::{Room, enter_room, may_enter};
pub use attachment::{Attachment, AttachmentStore, MAX_ATTACHMENT_BYTES, attach};
pub use change::{delete_message, edit_message, toggle_deleted};
pub use feed::{Feed, NoFeed, RoomEvent, room_channel};
pub use history::{CatchUp, MAX_CATCH_UP, RECENT, catch_up, list, since};
pub use message::{Message, MessageType};
pub use post::{NewMessage, announce, post_message, status_changed, typing};
pub use reads::{RoomUnread, mark_read, unread_count, unread_counts};

/// Longest message text, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
