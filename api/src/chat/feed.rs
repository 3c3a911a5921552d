//! Publishes a room's events on its Redis channel; every node's [`super::Hub`] (this one's
//! included) hands them to its sockets. Local sockets get nothing straight from here, so every
//! socket sees one stream in one order whichever node the writer was on.

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;
use workflows::chat::{Feed, RoomEvent, room_channel};

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

impl RedisFeed {
    /// Records that `user_id` has a socket on the room until `for_how_long` from now (refreshed
    /// while the socket lives; a dead node's sockets drop out when their time runs out).
    pub async fn here(&self, procurement_id: i64, user_id: i64, for_how_long: Duration) {
        let until = now_ms() + i64::try_from(for_how_long.as_millis()).unwrap_or(i64::MAX / 2);
        let key = presence_key(&self.namespace, procurement_id);
        let mut conn = self.conn.clone();
        let written: redis::RedisResult<()> = redis::pipe()
            .zadd(&key, user_id, until)
            .ignore()
            .zrembyscore(&key, "-inf", now_ms())
            .ignore()
            .pexpire(&key, 3_600_000)
            .ignore()
            .query_async(&mut conn)
            .await;
        if let Err(e) = written {
            tracing::warn!(error = %e, procurement_id, "chat presence not recorded");
        }
    }

    /// Records that `user_id`'s socket on the room closed.
    pub async fn gone(&self, procurement_id: i64, user_id: i64) {
        let mut conn = self.conn.clone();
        let removed: redis::RedisResult<()> = conn.zrem(presence_key(&self.namespace, procurement_id), user_id).await;
        if let Err(e) = removed {
            tracing::warn!(error = %e, procurement_id, "chat presence not cleared");
        }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Who has a socket on the room: a sorted set of user ids scored by when that stops being true.
fn presence_key(namespace: &str, procurement_id: i64) -> String {
    format!("{namespace}:chat:present:{procurement_id}")
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

    async fn present(&self, procurement_id: i64) -> Vec<i64> {
        let mut conn = self.conn.clone();
        let key = presence_key(&self.namespace, procurement_id);
        conn.zrangebyscore(key, now_ms(), "+inf").await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, procurement_id, "chat presence unknown");
            Vec::new()
        })
    }
}

/// A badge change is published on the person's notification channel; their sockets recount.
#[async_trait::async_trait]
impl workflows::notify::Badges for RedisFeed {
    async fn changed(&self, user_id: i64) {
        let mut conn = self.conn.clone();
        let channel = workflows::notify::channel(&self.namespace, user_id);
        let sent: Result<u64, _> = conn.publish(channel, r#"{"type":"badge"}"#).await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, user_id, "badge change not published");
        }
    }
}
