//! The outbound rate limiter every process shares through Redis, so several bot, worker and API
//! processes together stay under the messenger's limits (teloxide's own `Throttle` only knows
//! one process). Each limit is a GCRA cell ("the earliest time the next message may go"): a
//! sender asks a Lua script, which checks the overall, per-chat and per-group cells at once and
//! takes a slot in all of them only when all allow it; otherwise it answers how long to wait,
//! and the sender sleeps and asks again. The clock is Redis's, so processes agree on it.

use std::fmt::Display;
use std::time::Duration;

use redis::aio::ConnectionManager;

use crate::runtime::{Platform, SendError};

/// Minimum spacing between messages, per scope (zero: no limit in that scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Between any two messages of the bot.
    pub overall: Duration,
    /// Between two messages to one chat.
    pub per_chat: Duration,
    /// Between two messages to one group or channel.
    pub per_group: Duration,
}

impl Limits {
    /// Telegram's Bots FAQ: about 30 messages/s overall, 1/s per chat, 20/min per group. The
    /// spacings sit a little under those rates so clock jitter between us and Telegram never
    /// turns an allowed message into a 429 (28.5/s overall is still 95 % of the bulk limit).
    pub const TELEGRAM: Limits = Limits {
        overall: Duration::from_millis(35),
        per_chat: Duration::from_millis(1000),
        per_group: Duration::from_millis(3050),
    };

    /// VK: up to 20 requests/s with a community token; no documented per-chat limit.
    pub const VK: Limits =
        Limits { overall: Duration::from_millis(55), per_chat: Duration::ZERO, per_group: Duration::ZERO };

    pub fn of(platform: Platform) -> Limits {
        match platform {
            Platform::Telegram => Limits::TELEGRAM,
            Platform::Vk => Limits::VK,
        }
    }
}

/// KEYS: the cells; ARGV: each cell's spacing in microseconds, then the tolerance. Returns 0 when
/// a slot was taken in every cell, or the microseconds to wait before asking again.
///
/// Each cell keeps its schedule (`max(now, next_free) + spacing`), and a sender may go up to the
/// tolerance early: a sender's late wake-up and its round trip to Redis are then made up by the
/// next one instead of adding to every gap (without it a 35 ms spacing gave 27.1 messages/s, not
/// 28.5). Any second still holds at most one message more than the spacing allows.
const TAKE_SLOT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tolerance = tonumber(ARGV[#KEYS + 1])
local wait = 0
local free = {}
for i, key in ipairs(KEYS) do
  free[i] = tonumber(redis.call('GET', key) or '0')
  if free[i] - tolerance - now > wait then wait = free[i] - tolerance - now end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local spacing = tonumber(ARGV[i])
  redis.call('SET', key, tostring(math.max(now, free[i]) + spacing), 'PX', math.ceil(spacing / 1000) + 1000)
end
return 0
"#;

/// How early a sender may go to make up for the last one's lateness (at most half a spacing).
const TOLERANCE: Duration = Duration::from_millis(10);

/// Waits for permission to send; cloning shares the connection.
#[derive(Clone)]
pub struct Limiter {
    redis: ConnectionManager,
    namespace: String,
    script: redis::Script,
    limits: Option<Limits>,
}

impl Limiter {
    /// Limits under `{namespace}:outbound:…`; every process with the same namespace shares them.
    pub fn new(redis: ConnectionManager, namespace: impl Into<String>) -> Self {
        Limiter { redis, namespace: namespace.into(), script: redis::Script::new(TAKE_SLOT), limits: None }
    }

    /// The same limiter with other spacings for every platform (tests and benchmarks).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Returns once a message to `chat` may be sent now; waits (never drops) until then.
    pub async fn acquire(&self, platform: Platform, chat: impl Display, is_group: bool) -> Result<(), SendError> {
        let limits = self.limits.unwrap_or_else(|| Limits::of(platform));
        let prefix = format!("{}:outbound:{}", self.namespace, platform.as_str());
        let mut invocation = self.script.prepare_invoke();
        let mut cells =
            vec![(format!("{prefix}:all"), limits.overall), (format!("{prefix}:chat:{chat}"), limits.per_chat)];
        if is_group {
            cells.push((format!("{prefix}:group:{chat}"), limits.per_group));
        }
        let limited: Vec<_> = cells.iter().filter(|(_, spacing)| !spacing.is_zero()).collect();
        for (key, spacing) in &limited {
            invocation.key(key).arg(spacing.as_micros() as u64);
        }
        let tolerance = limited.iter().map(|(_, spacing)| *spacing / 2).min().unwrap_or_default().min(TOLERANCE);
        invocation.arg(tolerance.as_micros() as u64);
        loop {
            let mut redis = self.redis.clone();
            let wait: u64 = invocation
                .invoke_async(&mut redis)
                .await
                .map_err(|e| SendError::Unavailable(format!("rate limiter (Redis): {e}")))?;
            if wait == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_micros(wait)).await;
        }
    }
}
