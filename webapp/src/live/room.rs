//! A procurement's chat room over `/ws/procurement/{id}/`: frames in, text and typing out.
//! Each reconnect names the last sequence number seen (`?since=`), so the server sends exactly
//! the messages missed; when it cannot (`reload`), the history that follows replaces the list.

use super::socket::{self, Link, LiveSocket};
use crate::api::chat::Message;
use serde::Deserialize;
use std::cell::Cell;
use std::rc::Rc;
use yew::Callback;

/// What the room's socket sends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomFrame {
    /// On connect: the last messages, or exactly those after `since`.
    History {
        messages: Vec<Message>,
        last_seq: i64,
    },
    /// The gap after `since` cannot be filled: the next `history` is the whole list.
    Reload {},
    Message(Message),
    Edited(Message),
    Deleted {
        id: i64,
    },
    Typing {
        user_id: i64,
        is_typing: bool,
    },
    System {
        text: String,
    },
    /// A refused frame (rate limit, validation), in the server's words.
    Error {
        code: String,
        error: String,
    },
    #[serde(other)]
    Other,
}

/// The room's connection; dropping it leaves the room.
pub struct Room {
    socket: LiveSocket,
}

impl Room {
    pub fn enter(procurement_id: i64, on_frame: Callback<RoomFrame>, on_link: Callback<Link>) -> Room {
        // The last sequence number this page has seen, for the next `?since=`.
        let last_seq = Rc::new(Cell::new(None::<i64>));
        let url = {
            let last_seq = last_seq.clone();
            move || {
                let token = crate::session::stored()?.token;
                let since = last_seq.get().map(|seq| format!("?since={seq}")).unwrap_or_default();
                socket::address(&format!("/ws/procurement/{procurement_id}/{since}"), &token)
            }
        };
        let on_text = Callback::from(move |text: String| {
            let Ok(frame) = serde_json::from_str::<RoomFrame>(&text) else { return };
            let seen = match &frame {
                RoomFrame::History { messages, last_seq } => messages.iter().map(|m| m.seq).max().max(Some(*last_seq)),
                RoomFrame::Message(m) => Some(m.seq),
                _ => None,
            };
            if let Some(seq) = seen {
                last_seq.set(Some(last_seq.get().map_or(seq, |last| last.max(seq))));
            }
            on_frame.emit(frame);
        });
        Room { socket: LiveSocket::open(url, on_text, on_link) }
    }

    /// Sends a message; false when the room is not connected.
    pub fn say(&self, text: &str) -> bool {
        self.socket.send(&serde_json::json!({ "type": "message", "text": text }).to_string())
    }

    pub fn typing(&self, is_typing: bool) {
        self.socket.send(&serde_json::json!({ "type": "typing", "is_typing": is_typing }).to_string());
    }

    /// Drops the connection and resumes from the last message seen.
    pub fn reconnect(&self) {
        self.socket.reconnect();
    }
}

#[cfg(test)]
mod tests {
    use super::RoomFrame;

    #[test]
    fn frames_read_as_the_server_sends_them() {
        let frame: RoomFrame = serde_json::from_str(
            r#"{"type":"message","id":5,"seq":9,"procurement_id":2,"user_id":3,"user_name":"Ann","message_type":"text","text":"hi","attachment_url":"","is_edited":false,"is_deleted":false,"created_at":"2026-12-07T10:00:00Z","updated_at":"2026-12-07T10:00:00Z"}"#,
        )
        .unwrap();
        let RoomFrame::Message(m) = frame else { panic!("not a message: {frame:?}") };
        assert_eq!((m.id, m.seq, m.procurement, m.user, m.text.as_str()), (5, 9, 2, Some(3), "hi"));
        let reload: RoomFrame =
            serde_json::from_str(r#"{"type":"reload","code":"history_gap","since":4,"last_seq":90}"#).unwrap();
        assert_eq!(reload, RoomFrame::Reload {});
        let typing: RoomFrame =
            serde_json::from_str(r#"{"type":"typing","procurement_id":2,"user_id":3,"is_typing":true}"#).unwrap();
        assert_eq!(typing, RoomFrame::Typing { user_id: 3, is_typing: true });
        let other: RoomFrame = serde_json::from_str(r#"{"type":"presence","x":1}"#).unwrap();
        assert_eq!(other, RoomFrame::Other);
    }
}
