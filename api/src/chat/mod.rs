//! Real-time plumbing shared by the sockets and the REST chat operations: the Redis fan-out
//! (one channel per room, one per person's notifications), its subscriber on this node, and
//! the per-person rate limit.

mod feed;
mod hub;
mod limit;

pub use feed::RedisFeed;
pub use hub::{Hub, Publication};
pub use limit::RateLimiter;

use std::sync::Arc;
use std::time::Duration;

/// Limits and timings of the sockets; the defaults are production values.
#[derive(Debug, Clone)]
pub struct ChatConfig {
    /// Largest client frame; a bigger one closes the socket with 1009 and stores nothing.
    pub max_frame_bytes: usize,
    /// Frames queued for one socket; a client that falls this far behind is disconnected.
    pub send_queue: usize,
    /// How often the server pings each socket.
    pub ping_interval: Duration,
    /// A socket that sent nothing (not even a pong) for this long is closed at the next ping.
    pub idle_timeout: Duration,
    /// Messages a person may send at once, and how fast the allowance refills.
    pub burst: u32,
    pub per_second: u32,
}

impl Default for ChatConfig {
    fn default() -> Self {
        Self {
            max_frame_bytes: 64 * 1024,
            send_queue: 256,
            ping_interval: Duration::from_secs(25),
            idle_timeout: Duration::from_secs(60),
            burst: 20,
            per_second: 20,
        }
    }
}

/// The chat of this node: its subscriber, its publisher and its limits.
pub struct Chat {
    pub hub: Arc<Hub>,
    pub feed: RedisFeed,
    pub limiter: RateLimiter,
    pub config: ChatConfig,
}

impl Chat {
    /// Subscribes this node to the installation's channels (under `namespace`, the queue
    /// namespace, so installations sharing a Redis stay apart) and returns once subscribed, or
    /// after a few seconds with Redis down (the subscriber keeps retrying).
    pub async fn start(redis_url: &str, namespace: &str, config: ChatConfig) -> Result<Arc<Self>, redis::RedisError> {
        let client = redis::Client::open(redis_url)?;
        let hub = Hub::start(client.clone(), namespace, config.send_queue).await;
        let feed = RedisFeed::new(&client, namespace)?;
        let limiter = RateLimiter::new(config.burst, config.per_second);
        Ok(Arc::new(Self { hub, feed, limiter, config }))
    }
}
