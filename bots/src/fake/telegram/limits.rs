//! Telegram's sending limits as the fake enforces them (Bots FAQ): about 1 message per second
//! per chat with short bursts allowed, 30 per second overall, 20 per minute per group. Over a
//! limit the answer is 429 with `retry_after`, as from Telegram.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// Messages one chat may take within any second ("short bursts allowed").
pub const PER_CHAT_PER_SECOND: usize = 2;
pub const OVERALL_PER_SECOND: usize = 30;
pub const PER_GROUP_PER_MINUTE: usize = 20;

#[derive(Default)]
pub struct Windows {
    /// Benchmarks of the bot itself (not of the limits) switch them off.
    pub off: bool,
    overall: VecDeque<Instant>,
    chats: HashMap<i64, VecDeque<Instant>>,
}

impl Windows {
    /// Records a message to `chat` at `now`, or refuses it with the seconds to wait.
    pub fn admit(&mut self, chat: i64, is_group: bool, now: Instant) -> Result<(), u32> {
        if self.off {
            return Ok(());
        }
        prune(&mut self.overall, now, SECOND);
        let sent = self.chats.entry(chat).or_default();
        prune(sent, now, MINUTE);
        let last_second = sent.iter().filter(|at| now.duration_since(**at) < SECOND).count();
        let mut wait = Duration::ZERO;
        if last_second >= PER_CHAT_PER_SECOND {
            wait = wait.max(expiry(sent, sent.len() - last_second, now, SECOND));
        }
        if self.overall.len() >= OVERALL_PER_SECOND {
            wait = wait.max(expiry(&self.overall, 0, now, SECOND));
        }
        if is_group && sent.len() >= PER_GROUP_PER_MINUTE {
            wait = wait.max(expiry(sent, 0, now, MINUTE));
        }
        if !wait.is_zero() {
            // Telegram counts whole seconds, at least one.
            return Err(wait.as_secs_f64().ceil().max(1.0) as u32);
        }
        sent.push_back(now);
        self.overall.push_back(now);
        Ok(())
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|at| now.duration_since(*at) >= window) {
        times.pop_front();
    }
}

/// When the entry at `index` leaves a `window` ending at `now`.
fn expiry(times: &VecDeque<Instant>, index: usize, now: Instant, window: Duration) -> Duration {
    times.get(index).map_or(Duration::ZERO, |at| window.saturating_sub(now.duration_since(*at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_takes_a_short_burst_then_waits() {
        let mut windows = Windows::default();
        let start = Instant::now();
        assert_eq!(windows.admit(1, false, start), Ok(()));
        assert_eq!(windows.admit(1, false, start), Ok(()));
        assert_eq!(windows.admit(1, false, start), Err(1));
        assert_eq!(windows.admit(2, false, start), Ok(()), "another chat is not held back");
        assert_eq!(windows.admit(1, false, start + SECOND), Ok(()));
    }

    #[test]
    fn thirty_a_second_overall() {
        let mut windows = Windows::default();
        let start = Instant::now();
        for chat in 0..30 {
            assert_eq!(windows.admit(chat, false, start), Ok(()));
        }
        assert_eq!(windows.admit(99, false, start), Err(1));
        assert_eq!(windows.admit(99, false, start + SECOND), Ok(()));
    }

    #[test]
    fn twenty_a_minute_per_group() {
        let mut windows = Windows::default();
        let start = Instant::now();
        for n in 0..20 {
            assert_eq!(windows.admit(-5, true, start + SECOND * n), Ok(()));
        }
        assert_eq!(windows.admit(-5, true, start + SECOND * 20), Err(40));
        assert_eq!(windows.admit(-5, true, start + MINUTE), Ok(()));
    }

    #[test]
    fn switched_off_takes_everything() {
        let mut windows = Windows { off: true, ..Windows::default() };
        let start = Instant::now();
        for _ in 0..100 {
            assert_eq!(windows.admit(1, false, start), Ok(()));
        }
    }
}
