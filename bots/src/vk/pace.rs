//! VK allows a community token about 20 API requests a second; this process spaces its calls so
//! it stays under that on its own. (Several processes with one token share Redis's limiter for
//! messages sent outside a conversation; error 6 is still honoured as a retry if both collide.)

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct Pace {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pace {
    /// 20 requests a second.
    pub fn community() -> Self {
        Pace::every(Duration::from_millis(50))
    }

    pub fn every(interval: Duration) -> Self {
        Pace { interval, next: Mutex::new(Instant::now()) }
    }

    /// Waits for this caller's slot: callers are spaced `interval` apart, in arrival order.
    pub async fn wait_turn(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_are_spaced() {
        let pace = Pace::every(Duration::from_millis(50));
        let start = Instant::now();
        for _ in 0..5 {
            pace.wait_turn().await;
        }
        // The first goes at once, each further one 50 ms after the one before.
        assert!(start.elapsed() >= Duration::from_millis(200), "{:?}", start.elapsed());
    }
}
