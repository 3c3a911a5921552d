//! A token bucket per person on this node: a burst of `burst` messages, refilled at
//! `per_second`. Refused frames get an error frame and store nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

/// Past this many people, full buckets are forgotten (a full bucket is the same as none).
const FORGET_AFTER: usize = 10_000;

impl RateLimiter {
    pub fn new(burst: u32, per_second: u32) -> Self {
        Self { burst: f64::from(burst), per_second: f64::from(per_second), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token from `user_id`'s bucket, if there is one.
    pub fn allow(&self, user_id: i64) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > FORGET_AFTER {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(user_id).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_and_the_next_is_refused() {
        let limiter = RateLimiter::new(20, 20);
        assert!((0..20).all(|_| limiter.allow(1)));
        assert!(!limiter.allow(1));
        assert!(limiter.allow(2), "buckets are per person");
    }
}
