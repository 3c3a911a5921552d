//! The notification courier of worker processes: publishes each notification on the person's
//! Redis channel (`{namespace}:notify:{user_id}`), where the WebSocket gateway and the bot
//! workers of this installation listen.

use apalis_redis::ConnectionManager;
use redis::AsyncCommands;
use workflows::chat::{Feed, RoomEvent, room_channel};
use workflows::notify::{Courier, Delivery};

pub struct RedisCourier {
    conn: ConnectionManager,
    namespace: String,
}

impl RedisCourier {
    pub fn new(conn: ConnectionManager, namespace: impl Into<String>) -> Self {
        Self { conn, namespace: namespace.into() }
    }

    pub fn channel(namespace: &str, user_id: i64) -> String {
        workflows::notify::channel(namespace, user_id)
    }
}

/// Workers publish room events (status changes) on the room's channel; they have no sockets,
/// so nobody is present as far as they know.
#[async_trait::async_trait]
impl Feed for RedisCourier {
    async fn publish(&self, procurement_id: i64, event: &RoomEvent) {
        let Ok(payload) = serde_json::to_string(event) else { return };
        let mut conn = self.conn.clone();
        let sent: Result<u64, _> = conn.publish(room_channel(&self.namespace, procurement_id), payload).await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, procurement_id, "room event not published");
        }
    }

    async fn present(&self, _: i64) -> Vec<i64> {
        Vec::new()
    }
}

#[async_trait::async_trait]
impl Courier for RedisCourier {
    async fn deliver(&self, delivery: &Delivery) -> Result<Vec<String>, String> {
        let payload = serde_json::to_string(delivery).map_err(|e| e.to_string())?;
        let mut conn = self.conn.clone();
        let listeners: u64 = conn
            .publish(Self::channel(&self.namespace, delivery.user_id), payload)
            .await
            .map_err(|e| format!("publishing notification {}: {e}", delivery.id))?;
        // Nobody listening is not a failure: the row waits in the person's list.
        Ok(if listeners > 0 { vec!["live".to_string()] } else { Vec::new() })
    }
}
