//! One client in a procurement's chat room. On connect: one `history` frame (the last 50
//! messages, or exactly those after `since`), preceded by a `reload` frame when that gap cannot
//! be filled; then the room's live frames in sequence order, each message exactly once (a
//! message that overtook an earlier one on the fan-out is preceded by the missing ones, read
//! from the database; one already sent is skipped).

use super::socket::{CloseCode, Input, Reason, Socket};
use super::upgrade::Stream;
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use workflows::chat::{self, Message, MessageType, NewMessage};
use workflows::{Actor, DomainError};

pub struct Session {
    /// What the session needs of the node's state, not all of it: every connection's task
    /// carries these.
    pub pool: workflows::db::PgPool,
    pub chat: std::sync::Arc<crate::chat::Chat>,
    pub procurement_id: i64,
    pub user_id: i64,
    pub since: Option<i64>,
}

/// A client frame; other types are ignored.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientFrame {
    Message {
        text: String,
    },
    Typing {
        is_typing: bool,
    },
    #[serde(other)]
    Other,
}

impl Session {
    pub async fn run(self, socket: Stream) {
        let chat = self.chat.clone();
        let channel = chat.hub.room_channel(self.procurement_id);
        // Subscribed before the history is read: nothing committed after the read is missed.
        let mut live = chat.hub.subscribe(&channel);
        let mut socket = Socket::new(socket, &chat.config);
        // The rare steps that query the database are boxed: a task is as large as its largest
        // await, and an idle connection should not carry room for a transaction's future.
        let reason = match Box::pin(self.greet(&mut socket)).await {
            Ok(mut last_seq) => {
                Box::pin(self.presence(true)).await;
                let reason = self.serve(&mut socket, &mut live, &mut last_seq).await;
                Box::pin(self.presence(false)).await;
                reason
            }
            Err(reason) => reason,
        };
        Box::pin(socket.close(reason)).await;
        drop(live);
        chat.hub.release(&channel);
    }

    /// Sends the history; returns the last sequence number the client has seen.
    async fn greet(&self, socket: &mut Socket) -> Result<i64, Reason> {
        let catch_up = chat::catch_up(&self.pool, self.procurement_id, self.since)
            .await
            .map_err(|_| Some((CloseCode::Error, "history unavailable".into())))?;
        if catch_up.reload {
            let frame = serde_json::json!({
                "type": "reload", "code": "history_gap", "since": self.since, "last_seq": catch_up.last_seq,
                "error": "the messages after `since` cannot be replayed: reload them from /api/chat/messages/",
            });
            socket.send_text(frame.to_string()).await.map_err(|_| None)?;
        }
        let last_seq = catch_up.messages.last().map_or(0, |m| m.seq).max(catch_up.last_seq);
        let frame = serde_json::json!({ "type": "history", "messages": catch_up.messages, "last_seq": last_seq });
        socket.send_text(frame.to_string()).await.map_err(|_| None)?;
        Ok(last_seq)
    }

    /// Marks the person present in the room (or gone) and tells the others.
    async fn presence(&self, here: bool) {
        let chat = &self.chat;
        if here {
            chat.feed.here(self.procurement_id, self.user_id, self.presence_ttl()).await;
        } else {
            chat.feed.gone(self.procurement_id, self.user_id).await;
        }
        chat::announce(&chat.feed, self.procurement_id, self.user_id, here).await;
    }

    /// How long a presence mark lasts: refreshed at half of it while the socket lives.
    fn presence_ttl(&self) -> std::time::Duration {
        self.chat.config.idle_timeout * 2
    }

    async fn serve(
        &self,
        socket: &mut Socket,
        live: &mut tokio::sync::broadcast::Receiver<Arc<crate::chat::Publication>>,
        last_seq: &mut i64,
    ) -> Reason {
        let mut presence = tokio::time::interval(self.presence_ttl() / 2);
        presence.tick().await; // the first tick is now: already recorded
        loop {
            let outcome = tokio::select! {
                _ = presence.tick() => {
                    // Someone who left the procurement (or was removed) leaves its chat too.
                    if !Box::pin(self.still_here()).await {
                        return Some((CloseCode::Policy, "no longer in this procurement".into()));
                    }
                    Ok(())
                },
                input = socket.recv() => match input {
                    Input::Text(text) => Box::pin(self.on_frame(socket, text.as_str())).await,
                    Input::Nothing => Ok(()),
                    Input::Close(reason) => return reason,
                },
                publication = live.recv() => match publication {
                    Ok(publication) => self.deliver(socket, &publication, last_seq).await,
                    Err(RecvError::Lagged(missed)) => return Some((
                        CloseCode::Again,
                        format!("too slow: {missed} frames behind; reconnect with since={last_seq}").into(),
                    )),
                    Err(RecvError::Closed) => return Some((CloseCode::Restart, "server going away".into())),
                },
            };
            if outcome.is_err() {
                return None;
            }
        }
    }

    /// Whether the person may still be in the room (someone who left the procurement, or was
    /// removed, leaves its chat too); if so, their presence mark is refreshed.
    async fn still_here(&self) -> bool {
        if let Err(DomainError::Forbidden { .. } | DomainError::NotFound { .. }) =
            chat::enter_room(&self.pool, self.procurement_id, self.user_id).await
        {
            return false;
        }
        self.chat.feed.here(self.procurement_id, self.user_id, self.presence_ttl()).await;
        true
    }

    /// One client frame: stored and fanned out, or refused with an error frame.
    async fn on_frame(&self, socket: &mut Socket, text: &str) -> Result<(), ()> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) if e.is_data() => return socket.send_error("invalid_frame", &e.to_string()).await,
            Err(e) => return socket.send_error("malformed_json", &format!("not JSON: {e}")).await,
        };
        let chat = &self.chat;
        match frame {
            ClientFrame::Message { text } if text.trim().is_empty() => Ok(()),
            ClientFrame::Message { text } => {
                if !chat.limiter.allow(self.user_id) {
                    return socket.send_error("rate_limited", "too many messages: slow down").await;
                }
                let new = NewMessage {
                    procurement_id: self.procurement_id,
                    user_id: self.user_id,
                    text,
                    message_type: MessageType::Text,
                    attachment_url: String::new(),
                };
                match chat::post_message(&self.pool, &chat.feed, Actor::User(self.user_id), new).await {
                    Ok(_) => Ok(()),
                    Err(e) => {
                        let code = error_code(&e);
                        let text = match code {
                            "internal_error" => "internal error".to_string(),
                            "database_unavailable" => crate::error::DATABASE_UNAVAILABLE.to_string(),
                            _ => e.to_string(),
                        };
                        socket.send_error(code, &text).await
                    }
                }
            }
            ClientFrame::Typing { is_typing } => {
                if chat.limiter.allow(self.user_id) {
                    chat::typing(&chat.feed, self.procurement_id, self.user_id, is_typing).await;
                }
                Ok(())
            }
            ClientFrame::Other => Ok(()),
        }
    }

    /// A publication of the room, in sequence order and once.
    async fn deliver(
        &self,
        socket: &mut Socket,
        publication: &crate::chat::Publication,
        last_seq: &mut i64,
    ) -> Result<(), ()> {
        if publication.resync {
            return Box::pin(self.fill_gap(socket, last_seq, i64::MAX)).await;
        }
        if publication.not_for == Some(self.user_id) {
            return Ok(());
        }
        let Some(seq) = publication.seq else {
            return socket.send_text(publication.frame.clone()).await;
        };
        if seq <= *last_seq {
            return Ok(()); // already sent (history, or filled in from the database)
        }
        if seq > *last_seq + 1 {
            // Something published earlier has not arrived (yet): send what the database has.
            Box::pin(self.fill_gap(socket, last_seq, seq)).await?;
        }
        *last_seq = seq;
        socket.send_text(publication.frame.clone()).await
    }

    /// Sends the stored messages after `last_seq` and before `below`.
    async fn fill_gap(&self, socket: &mut Socket, last_seq: &mut i64, below: i64) -> Result<(), ()> {
        let Ok(missed) = chat::since(&self.pool, self.procurement_id, *last_seq).await else {
            return Ok(()); // the next message tries again
        };
        for message in missed.into_iter().filter(|m| m.seq < below) {
            *last_seq = message.seq;
            socket.send_text(message_frame(message)).await?;
        }
        Ok(())
    }
}

fn message_frame(message: Message) -> String {
    serde_json::to_string(&chat::RoomEvent::Message(message)).unwrap_or_default()
}

/// The error frame's code for a refused message.
fn error_code(err: &DomainError) -> &'static str {
    match err {
        DomainError::Invalid { .. } => "validation_error",
        DomainError::Forbidden { .. } => "forbidden",
        DomainError::NotFound { .. } => "not_found",
        DomainError::Database(e) if workflows::db::is_unreachable(e) => "database_unavailable",
        _ => "internal_error",
    }
}
