//! One person's notification socket: `{"type": "unread_count", "unread_count"}` on connect,
//! then `{"type": "notification", "notification": {…}, "unread_count"}` for each notification
//! the courier publishes on the person's channel. The badge is counted from the rows each time,
//! so it stays exact whatever marks them read meanwhile.

use super::socket::{CloseCode, Input, Reason, Socket};
use super::upgrade::Stream;
use std::collections::VecDeque;
use tokio::sync::broadcast::error::RecvError;

pub struct Session {
    /// What the session needs of the node's state, not all of it: every connection's task
    /// carries these.
    pub pool: workflows::db::PgPool,
    pub chat: std::sync::Arc<crate::chat::Chat>,
    pub user_id: i64,
}

/// Ids remembered to drop a repeated publication (a delivery job that ran twice).
const REMEMBERED: usize = 64;

/// What the person's channel carries: a delivered notification (with its `id`), or
/// `{"type": "badge"}` when marks made elsewhere changed the count.
#[derive(serde::Deserialize)]
struct Delivered {
    id: Option<i64>,
}

impl Delivered {
    fn of(publication: &crate::chat::Publication) -> Option<i64> {
        match serde_json::from_str(publication.frame.as_str()) {
            Ok(Delivered { id }) if !publication.resync => id,
            _ => None,
        }
    }
}

impl Session {
    pub async fn run(self, socket: Stream) {
        let chat = self.chat.clone();
        let channel = chat.hub.notify_channel(self.user_id);
        let mut live = chat.hub.subscribe(&channel);
        let mut socket = Socket::new(socket, &chat.config);
        let reason = self.serve(&mut socket, &mut live).await;
        Box::pin(socket.close(reason)).await;
        drop(live);
        chat.hub.release(&channel);
    }

    async fn serve(
        &self,
        socket: &mut Socket,
        live: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<crate::chat::Publication>>,
    ) -> Reason {
        let mut seen = VecDeque::with_capacity(REMEMBERED);
        let Ok(count) = self.badge().await else { return Some((CloseCode::Error, "unread count unavailable".into())) };
        let hello = serde_json::json!({ "type": "unread_count", "unread_count": count });
        socket.send_text(hello.to_string()).await.ok()?;
        loop {
            tokio::select! {
                input = socket.recv() => match input {
                    // Clients have nothing to say on this socket.
                    Input::Text(_) | Input::Nothing => {}
                    Input::Close(reason) => return reason,
                },
                publication = live.recv() => match publication {
                    // Lost publications (a resync) or marks made elsewhere: a fresh badge.
                    Ok(publication) if Delivered::of(&publication).is_none() => {
                        let count = self.badge().await.ok()?;
                        let frame = serde_json::json!({ "type": "unread_count", "unread_count": count });
                        socket.send_text(frame.to_string()).await.ok()?;
                    }
                    Ok(publication) => {
                        let Some(id) = Delivered::of(&publication) else { continue };
                        if seen.contains(&id) {
                            continue;
                        }
                        if seen.len() == REMEMBERED {
                            seen.pop_front();
                        }
                        seen.push_back(id);
                        let count = self.badge().await.ok()?;
                        let frame = format!(
                            r#"{{"type":"notification","notification":{},"unread_count":{count}}}"#,
                            publication.frame.as_str()
                        );
                        socket.send_text(frame).await.ok()?;
                    }
                    Err(RecvError::Lagged(_)) => return Some((CloseCode::Again, "too slow: reconnect and reload".into())),
                    Err(RecvError::Closed) => return Some((CloseCode::Restart, "server going away".into())),
                },
            }
        }
    }

    async fn badge(&self) -> Result<i64, workflows::DomainError> {
        // Boxed: the session's task stays small while it waits (see the room's session).
        Box::pin(workflows::notify::unread_count(&self.pool, self.user_id)).await
    }
}
