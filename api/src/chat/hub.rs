//! This node's subscriber: one Redis pub/sub connection subscribed to every room channel and
//! every person's notification channel of the installation (two patterns), handing each
//! publication to the sockets on this node that listen to its channel. Each channel with
//! listeners here has a bounded broadcast queue: a socket that falls behind by a whole queue is
//! told it lagged and is disconnected (see `ws::room`), so a slow client never grows memory.

use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, oneshot};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use workflows::chat::RoomEvent;

/// One publication as the sockets of a channel receive it, parsed once per node.
#[derive(Debug)]
pub struct Publication {
    /// The frame, as sent to clients: built once per node, shared by every socket (no copy).
    pub frame: Utf8Bytes,
    /// A new message's sequence number in its room.
    pub seq: Option<i64>,
    /// The person the event is about when only the others should get it (typing, joined).
    pub not_for: Option<i64>,
    /// No frame: the subscription was lost and is back, so publications may have been missed;
    /// sockets catch up from the database.
    pub resync: bool,
}

pub struct Hub {
    namespace: String,
    capacity: usize,
    channels: Mutex<HashMap<String, broadcast::Sender<Arc<Publication>>>>,
}

impl Hub {
    /// Starts the subscriber; returns once it is subscribed, or after 5 s if Redis is down.
    pub async fn start(client: redis::Client, namespace: &str, capacity: usize) -> Arc<Self> {
        let hub = Arc::new(Self { namespace: namespace.to_string(), capacity, channels: Mutex::default() });
        let (ready, subscribed) = oneshot::channel();
        tokio::spawn(hub.clone().listen(client, ready));
        if tokio::time::timeout(Duration::from_secs(5), subscribed).await.is_err() {
            tracing::warn!("chat fan-out: Redis not reachable yet; sockets get live frames once it is");
        }
        hub
    }

    pub fn room_channel(&self, procurement_id: i64) -> String {
        workflows::chat::room_channel(&self.namespace, procurement_id)
    }

    pub fn notify_channel(&self, user_id: i64) -> String {
        workflows::notify::channel(&self.namespace, user_id)
    }

    /// Starts listening to `channel`; call [`Hub::release`] after dropping the receiver.
    pub fn subscribe(&self, channel: &str) -> broadcast::Receiver<Arc<Publication>> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        match channels.get(channel) {
            Some(sender) => sender.subscribe(),
            None => {
                let (sender, receiver) = broadcast::channel(self.capacity);
                channels.insert(channel.to_string(), sender);
                receiver
            }
        }
    }

    /// Forgets `channel` once nobody on this node listens to it.
    pub fn release(&self, channel: &str) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if channels.get(channel).is_some_and(|sender| sender.receiver_count() == 0) {
            channels.remove(channel);
        }
    }

    fn dispatch(&self, channel: &str, payload: String) {
        let sender = {
            let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
            match channels.get(channel) {
                Some(sender) => sender.clone(),
                None => return,
            }
        };
        let publication = if channel.contains(":chat:room:") {
            match serde_json::from_str::<RoomEvent>(&payload) {
                Ok(event) => Publication {
                    resync: false,
                    seq: match &event {
                        RoomEvent::Message(message) => Some(message.seq),
                        _ => None,
                    },
                    not_for: match &event {
                        RoomEvent::Typing { user_id, .. } => Some(*user_id),
                        RoomEvent::System { user_id, .. } => *user_id,
                        _ => None,
                    },
                    frame: payload.into(),
                },
                Err(e) => return tracing::warn!(error = %e, channel, "unreadable chat publication"),
            }
        } else {
            Publication { frame: payload.into(), seq: None, not_for: None, resync: false }
        };
        // No receivers left is fine: the last socket just went away.
        let _ = sender.send(Arc::new(publication));
    }

    /// Tells every socket on this node that publications may have been missed.
    fn resync_all(&self) {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let resync = Arc::new(Publication { frame: Utf8Bytes::default(), seq: None, not_for: None, resync: true });
        for sender in channels.values() {
            let _ = sender.send(resync.clone());
        }
    }

    /// Subscribes and dispatches until the process ends, reconnecting after a lost connection.
    async fn listen(self: Arc<Self>, client: redis::Client, ready: oneshot::Sender<()>) {
        let mut ready = Some(ready);
        let patterns = [format!("{}:chat:room:*", self.namespace), format!("{}:notify:*", self.namespace)];
        loop {
            match subscribe(&client, &patterns).await {
                Ok(pubsub) => {
                    match ready.take() {
                        Some(ready) => {
                            let _ = ready.send(());
                        }
                        None => self.resync_all(),
                    }
                    let mut messages = pubsub.into_on_message();
                    while let Some(message) = messages.next().await {
                        match message.get_payload::<String>() {
                            Ok(payload) => self.dispatch(message.get_channel_name(), payload),
                            Err(e) => tracing::warn!(error = %e, "unreadable publication"),
                        }
                    }
                    tracing::warn!("chat fan-out: Redis subscription lost; resubscribing");
                }
                Err(e) => tracing::warn!(error = %e, "chat fan-out: cannot subscribe to Redis"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

async fn subscribe(client: &redis::Client, patterns: &[String]) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    for pattern in patterns {
        pubsub.psubscribe(pattern).await?;
    }
    Ok(pubsub)
}
