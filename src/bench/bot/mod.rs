//! `groupbuy bench bot`: the Telegram bot against the fake Telegram, in this one process.
//!
//! - `--webhook`: updates travel over real HTTP, fake → the bot's webhook endpoint → the
//!   conversation (over DATABASE_URL and REDIS_URL) → `sendMessage` → fake. Distinct simulated
//!   people each send `/help` at a fixed offered rate; latency runs from injecting the update at
//!   the fake to the fake taking the bot's reply in that chat.
//! - `--broadcast`: a broadcast to `--targets` distinct Telegram chats through the real worker
//!   pool, the messengers, the shared limiter and the fake with Telegram's limits: total time,
//!   messages/s, 429s the fake answered, chats that got the message twice.
//!
//! Neither flag runs both.

mod broadcast;
mod webhook;

use crate::config::Settings;
use anyhow::bail;

#[derive(clap::Args)]
pub struct BotBenchArgs {
    /// Run only the webhook part.
    #[arg(long)]
    pub webhook: bool,
    /// Run only the broadcast part.
    #[arg(long)]
    pub broadcast: bool,
    /// Distinct simulated people sending updates (webhook part).
    #[arg(long, default_value_t = 500)]
    pub users: usize,
    /// Offered updates per second, one measured phase per rate (webhook part).
    #[arg(long, value_delimiter = ',', default_value = "25,200")]
    pub rates: Vec<u32>,
    /// Seconds of offered load per rate (webhook part).
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Switch Telegram's sending limits off in the fake and the bot's limiter (webhook part):
    /// measures the bot itself; with the limits, replies cannot exceed ~28.5/s overall.
    #[arg(long)]
    pub no_limits: bool,
    /// Distinct Telegram chats the broadcast goes to (broadcast part).
    #[arg(long, default_value_t = 10_000)]
    pub targets: usize,
    /// Jobs the broadcast worker pool runs at once (broadcast part).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Database connections of this process (the conversation's, or the worker pool's and the
    /// watcher's), all opened before measuring.
    #[arg(long, default_value_t = 16)]
    pub connections: u32,
    /// Where the webhook part's fake Telegram listens.
    #[arg(long, default_value = "127.0.0.1:8340")]
    pub fake_addr: String,
    /// Where the bot's webhook endpoint listens.
    #[arg(long, default_value = "127.0.0.1:8341")]
    pub webhook_addr: String,
    /// Where the broadcast part's fake Telegram listens.
    #[arg(long, default_value = "127.0.0.1:8342")]
    pub broadcast_fake_addr: String,
}

/// The fake's bot token (the number before the colon is the bot's id).
const TOKEN: &str = "834000:groupbuy-bench-bot";

pub async fn run(settings: &Settings, args: BotBenchArgs) -> anyhow::Result<()> {
    let both = !args.webhook && !args.broadcast;
    if args.users == 0 || args.duration == 0 || args.rates.contains(&0) || args.targets == 0 {
        bail!("--users, --duration, --targets and every rate must be positive");
    }
    let size = args.connections.max(2);
    let pool = workflows::db::prepare(&settings.database_url, size).await?;
    // Every connection opened before measuring: none is opened mid-run, and a server with no
    // connections left fails here rather than as slow replies.
    let held = futures_util::future::try_join_all((0..size).map(|_| pool.acquire()))
        .await
        .map_err(|e| anyhow::anyhow!("opening {size} database connections: {e}"))?;
    drop(held);
    if both || args.webhook {
        webhook::run(settings, &pool, &args).await?;
    }
    if both || args.broadcast {
        broadcast::run(settings, &pool, &args).await?;
    }
    Ok(())
}

/// User + system CPU seconds of this process so far.
fn own_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // Clock ticks are 1/100 s on Linux.
    (ticks(11) + ticks(12)) as f64 / 100.0
}
