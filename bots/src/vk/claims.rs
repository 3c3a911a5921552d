//! Each VK update is handled once, however many times it arrives: VK repeats a Callback API
//! event until it gets "ok", and every process polling one community receives every update.
//! The first to claim an update's `event_id` in Redis (`SET NX` with a TTL, under the queue
//! namespace) handles it; the others skip it.

use redis::aio::ConnectionManager;

/// How long a claimed `event_id` is remembered (VK stops repeating an event long before).
const CLAIM_TTL_SECS: u64 = 24 * 60 * 60;

#[derive(Clone)]
pub struct EventClaims {
    redis: ConnectionManager,
    namespace: String,
}

impl EventClaims {
    /// `namespace` is the queue namespace, so installations sharing a Redis stay apart.
    pub fn new(redis: ConnectionManager, namespace: impl Into<String>) -> Self {
        EventClaims { redis, namespace: namespace.into() }
    }

    fn key(&self, event_id: &str) -> String {
        format!("{}:vk:event:{event_id}", self.namespace)
    }

    /// True when this call is the first to see `event_id`.
    pub async fn claim(&self, event_id: &str) -> redis::RedisResult<bool> {
        let set: Option<String> = redis::cmd("SET")
            .arg(self.key(event_id))
            .arg(1)
            .arg("NX")
            .arg("EX")
            .arg(CLAIM_TTL_SECS)
            .query_async(&mut self.redis.clone())
            .await?;
        Ok(set.is_some())
    }

    /// Gives an update back when its answer could not go out, so VK's repeat is handled (the
    /// answer's `random_id`s keep any message already sent from being sent again).
    pub async fn release(&self, event_id: &str) {
        let released: redis::RedisResult<()> =
            redis::cmd("DEL").arg(self.key(event_id)).query_async(&mut self.redis.clone()).await;
        if let Err(error) = released {
            tracing::warn!(%error, event_id, "VK: a failed update stays claimed until its TTL");
        }
    }
}
