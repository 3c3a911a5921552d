//! What the chat page shows, changed only by the room's frames and the person's own edits: the
//! messages in sequence order (each once, however often a reconnect replays it), who is typing,
//! and whether the room is connected.

use crate::api::chat::Message;
use crate::live::room::RoomFrame;
use crate::live::socket::Link;
use std::rc::Rc;
use yew::Reducible;

/// How long a "typing" lasts without a fresh one (the sender repeats it every few seconds).
pub const TYPING_MS: f64 = 6_000.0;

#[derive(Debug, Clone, PartialEq)]
pub struct ChatState {
    pub messages: Vec<Message>,
    /// People typing now, with when their mark runs out.
    pub typing: Vec<(i64, f64)>,
    pub link: Link,
    /// The history has arrived at least once.
    pub loaded: bool,
    /// The next history replaces the list (after a `reload` frame).
    replace_next: bool,
    /// The last refusal of the server, in its words.
    pub refusal: Option<String>,
    /// The last system event (joined, left, status changed).
    pub event: Option<String>,
}

impl Default for ChatState {
    fn default() -> Self {
        Self {
            messages: Vec::new(),
            typing: Vec::new(),
            link: Link::Connecting,
            loaded: false,
            replace_next: false,
            refusal: None,
            event: None,
        }
    }
}

pub enum Action {
    /// Another room: start over.
    Reset,
    Frame(RoomFrame, f64),
    Link(Link),
    /// A message as the REST API answered an edit or a post.
    Put(Message),
    Remove(i64),
    /// Typing marks past this moment run out.
    Expire(f64),
    Refused(String),
}

impl ChatState {
    fn put(&mut self, message: Message) {
        if message.is_deleted {
            self.messages.retain(|m| m.id != message.id);
            return;
        }
        match self.messages.iter_mut().find(|m| m.id == message.id) {
            Some(known) => *known = message,
            None => {
                let at = self.messages.partition_point(|m| m.seq < message.seq);
                self.messages.insert(at, message);
            }
        }
    }

    /// The newest message's id, what "read up to" names.
    pub fn newest(&self) -> Option<&Message> {
        self.messages.last()
    }

    fn apply(&mut self, frame: RoomFrame, now: f64) {
        match frame {
            RoomFrame::History { messages, .. } => {
                if self.replace_next {
                    self.messages.clear();
                    self.replace_next = false;
                }
                for message in messages {
                    self.put(message);
                }
                self.loaded = true;
            }
            RoomFrame::Reload {} => self.replace_next = true,
            RoomFrame::Message(message) => {
                // Whoever wrote has stopped typing.
                self.typing.retain(|(user, _)| Some(*user) != message.user);
                self.put(message);
            }
            RoomFrame::Edited(message) => {
                if self.messages.iter().any(|m| m.id == message.id) {
                    self.put(message);
                }
            }
            RoomFrame::Deleted { id } => self.messages.retain(|m| m.id != id),
            RoomFrame::Typing { user_id, is_typing } => {
                self.typing.retain(|(user, _)| *user != user_id);
                if is_typing {
                    self.typing.push((user_id, now + TYPING_MS));
                }
            }
            RoomFrame::System { text } => self.event = Some(text),
            RoomFrame::Error { error, .. } => self.refusal = Some(error),
            RoomFrame::Other => {}
        }
    }
}

impl Reducible for ChatState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Frame(frame, now) => next.apply(frame, now),
            Action::Reset => next = ChatState::default(),
            Action::Link(link) => next.link = link,
            Action::Put(message) => next.put(message),
            Action::Remove(id) => next.messages.retain(|m| m.id != id),
            Action::Expire(now) => {
                if !next.typing.iter().any(|(_, until)| *until <= now) {
                    return self;
                }
                next.typing.retain(|(_, until)| *until > now);
            }
            Action::Refused(text) => next.refusal = Some(text),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, seq: i64, text: &str) -> Message {
        Message {
            id,
            seq,
            procurement: 1,
            user: Some(2),
            text: text.into(),
            message_type: "text".into(),
            ..Message::default()
        }
    }

    fn history(messages: Vec<Message>) -> RoomFrame {
        let last_seq = messages.iter().map(|m| m.seq).max().unwrap_or(0);
        RoomFrame::History { messages, last_seq }
    }

    #[test]
    fn a_replayed_message_shows_once_and_in_sequence_order() {
        let mut state = ChatState::default();
        state.apply(history(vec![message(1, 1, "a"), message(3, 3, "c")]), 0.0);
        state.apply(RoomFrame::Message(message(3, 3, "c")), 0.0);
        // A resumed connection's history: what was missed, partly known already.
        state.apply(history(vec![message(2, 2, "b"), message(3, 3, "c")]), 0.0);
        let texts: Vec<&str> = state.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c"]);
    }

    #[test]
    fn after_a_reload_frame_the_history_replaces_the_list() {
        let mut state = ChatState::default();
        state.apply(history(vec![message(1, 1, "old")]), 0.0);
        state.apply(RoomFrame::Reload {}, 0.0);
        state.apply(history(vec![message(90, 90, "new")]), 0.0);
        assert_eq!(state.messages.iter().map(|m| m.id).collect::<Vec<_>>(), [90]);
    }

    #[test]
    fn edits_and_deletions_change_the_known_message() {
        let mut state = ChatState::default();
        state.apply(history(vec![message(1, 1, "a"), message(2, 2, "b")]), 0.0);
        state.apply(RoomFrame::Edited(Message { is_edited: true, ..message(1, 1, "a2") }), 0.0);
        state.apply(RoomFrame::Deleted { id: 2 }, 0.0);
        assert_eq!(state.messages.len(), 1);
        assert_eq!((state.messages[0].text.as_str(), state.messages[0].is_edited), ("a2", true));
    }

    #[test]
    fn typing_runs_out_and_stops_with_the_message() {
        let state = Rc::new(ChatState::default());
        let state = state.reduce(Action::Frame(RoomFrame::Typing { user_id: 2, is_typing: true }, 1000.0));
        assert_eq!(state.typing.len(), 1);
        let state = state.reduce(Action::Expire(1000.0 + TYPING_MS + 1.0));
        assert!(state.typing.is_empty());
        let state = state.reduce(Action::Frame(RoomFrame::Typing { user_id: 2, is_typing: true }, 0.0));
        let state = state.reduce(Action::Frame(RoomFrame::Message(message(5, 5, "x")), 0.0));
        assert!(state.typing.is_empty());
    }
}
