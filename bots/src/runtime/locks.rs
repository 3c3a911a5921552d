//! One chat's updates are handled one at a time, in order; different chats run concurrently.
//! Inside a process a keyed mutex queues a chat's updates; across processes a short Redis lock
//! (`SET NX PX` with a random token, released by compare-and-delete) keeps two bot processes
//! from interleaving one chat's dialogue. The Redis lock expires by itself, so a process that
//! dies holding it delays that chat by at most its TTL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::OwnedMutexGuard;

/// The in-process queue: a mutex per chat, dropped when nobody holds or waits for it.
#[derive(Default)]
pub struct ChatLocks {
    held: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

pub struct ChatGuard<'a> {
    locks: &'a ChatLocks,
    key: String,
    mutex: Arc<tokio::sync::Mutex<()>>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl ChatLocks {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        // the map holds no invariant a panicking holder could break
        self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for the chat's turn; updates of one chat get it in arrival order (tokio's mutex is fair).
    pub async fn lock(&self, key: &str) -> ChatGuard<'_> {
        let mutex = self.map().entry(key.to_string()).or_default().clone();
        let guard = mutex.clone().lock_owned().await;
        ChatGuard { locks: self, key: key.to_string(), mutex, guard: Some(guard) }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
    }
}

impl Drop for ChatGuard<'_> {
    fn drop(&mut self) {
        self.guard.take();
        let mut map = self.locks.map();
        // the map's copy and ours: nobody else waits, so the entry can go
        if Arc::strong_count(&self.mutex) == 2 {
            map.remove(&self.key);
        }
    }
}

/// Deletes the lock only if it still holds our token (it may have expired and been taken).
const RELEASE: &str =
    r#"if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end"#;

/// How often a waiting process asks again for a chat another process holds.
const RETRY_EVERY: Duration = Duration::from_millis(20);

/// A chat's lock across processes, held until [`RedisLock::release`].
pub struct RedisLock {
    redis: ConnectionManager,
    key: String,
    token: String,
}

impl RedisLock {
    /// Takes the lock, waiting up to `wait`; `Ok(None)` when another process kept it that long.
    pub async fn acquire(
        redis: &ConnectionManager,
        key: String,
        ttl: Duration,
        wait: Duration,
    ) -> redis::RedisResult<Option<RedisLock>> {
        let mut conn = redis.clone();
        let token = uuid::Uuid::new_v4().simple().to_string();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let taken: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(&token)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis() as u64)
                .query_async(&mut conn)
                .await?;
            if taken.is_some() {
                return Ok(Some(RedisLock { redis: conn, key, token }));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(RETRY_EVERY).await;
        }
    }

    pub async fn release(mut self) {
        let released: redis::RedisResult<i64> =
            redis::Script::new(RELEASE).key(&self.key).arg(&self.token).invoke_async(&mut self.redis).await;
        if let Err(e) = released {
            // it expires by itself; the chat waits at most its TTL
            tracing::warn!(error = %e, key = %self.key, "bot chat lock not released");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_chat_is_serialised_and_entries_are_dropped() {
        let locks = Arc::new(ChatLocks::default());
        let first = locks.lock("a").await;
        let other_chat = tokio::time::timeout(Duration::from_millis(100), locks.lock("b")).await;
        assert!(other_chat.is_ok(), "another chat must not wait");
        drop(other_chat);
        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move {
                let _g = locks.lock("a").await;
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the same chat must wait");
        drop(first);
        waiting.await.unwrap();
        assert_eq!(locks.len(), 0);
    }
}
