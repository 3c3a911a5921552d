//! Publishes a room's events on its Redis channel; every node's [`super::Hub`] (this one's
//! included) hands them to its sockets. Local sockets get nothing straight from here, so every
//! socket sees one stream in one order whichever node the writer was on.

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;
use workflows::chat::{Feed, RoomEvent};

pub struct RedisFeed {
    conn: ConnectionManager,
    namespace: String,
}

impl RedisFeed {
    pub fn new(client: &redis::Client, namespace: &str) -> Result<Self, redis::RedisError> {
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Self { conn, namespace: namespace.to_string() })
    }
}

/// The room's channel.
pub fn room_channel(namespace: &str, procurement_id: i64) -> String {
    format!("{namespace}:chat:room:{procurement_id}")
}

#[async_trait::async_trait]
impl Feed for RedisFeed {
    async fn publish(&self, procurement_id: i64, event: &RoomEvent) {
        let payload = match serde_json::to_string(event) {
            Ok(payload) => payload,
            Err(e) => return tracing::error!(error = %e, "chat event does not serialize"),
        };
        let mut conn = self.conn.clone();
        let sent: Result<u64, _> = conn.publish(room_channel(&self.namespace, procurement_id), payload).await;
        if let Err(e) = sent {
            // Stored messages are not lost: sockets fill the gap by sequence number.
            tracing::warn!(error = %e, procurement_id, "chat event not published");
        }
    }
}
