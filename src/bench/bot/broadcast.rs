//! The broadcast part: one broadcast to `--targets` distinct Telegram chats, started as the
//! API starts one, sent by a worker pool on the `broadcasts` queue through the messengers and
//! the shared limiter to a fake Telegram that enforces Telegram's limits.

use super::{BotBenchArgs, TOKEN, own_cpu_seconds};
use crate::config::Settings;
use bots::fake::telegram::FakeTelegram;
use bots::outbound::{Limiter, Messengers};
use bots::telegram::TelegramTransport;
use std::sync::Arc;
use std::time::{Duration, Instant};
use workflows::Actor;
use workflows::broadcast::{self, NewBroadcast, Target};
use workflows::messenger::Platform;

/// The first target's chat id (the others follow); apart from the webhook part's people.
const FIRST_CHAT: i64 = 834_100_000_001;

pub async fn run(settings: &Settings, pool: &sqlx::PgPool, args: &BotBenchArgs) -> anyhow::Result<()> {
    let server = FakeTelegram::new(TOKEN).serve(&args.broadcast_fake_addr).await?;
    let fake = server.fake().clone();
    let bot = bots::telegram::bot(TOKEN, &server.url()).map_err(anyhow::Error::msg)?;
    let limiter = Limiter::new(workers::storage::connect(&settings.redis_url).await?, &settings.queue_namespace);
    let messengers = Messengers::new().with_telegram(TelegramTransport::new(bot, limiter));
    // The pool's jobs never reach the bank; a worker pool is given one all the same.
    let bank = crate::roles::bank::bank_client(settings).await?;
    let config = crate::roles::worker::pool_config(settings, vec![workers::Queue::Broadcasts], args.concurrency);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let jobs = workers::runtime::run_with_messenger(
        pool.clone(),
        bank,
        Arc::new(messengers),
        &settings.redis_url,
        config,
        async move { drop(stopped.await) },
    );
    tokio::pin!(jobs);

    let chats: Vec<i64> = (0..args.targets as i64).map(|i| FIRST_CHAT + i).collect();
    let cpu = own_cpu_seconds();
    let start = Instant::now();
    let (done, created_in) = tokio::select! {
        ran = &mut jobs => {
            ran?;
            anyhow::bail!("the worker pool stopped before the broadcast was sent");
        }
        watched = send_and_watch(pool, &chats, args) => watched?,
    };
    let total = start.elapsed();
    let cpu = own_cpu_seconds() - cpu;
    let _ = stop.send(());
    jobs.await?;
    server.shutdown().await;

    let received: Vec<usize> = chats.iter().map(|&chat| fake.bot_messages(chat).len()).collect();
    let twice = received.iter().filter(|&&n| n > 1).count();
    let missing = received.iter().filter(|&&n| n == 0).count();
    let delivered: usize = received.iter().sum();
    println!(
        "| targets | total | messages/s | 429s | sent twice | missing | broadcast counts (sent / failed / left) | process CPU |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---|---:|");
    println!(
        "| {} | {:.1} s (create {:.2} s) | {:.1} | {} | {twice} | {missing} | {} / {} / {} ({:?}) | {cpu:.1} s |",
        args.targets,
        total.as_secs_f64(),
        created_in.as_secs_f64(),
        delivered as f64 / total.as_secs_f64(),
        fake.stats().rate_limited,
        done.sent,
        done.failed,
        done.pending + done.sending,
        done.status,
    );
    println!("broadcast {}, {} workers at once on the broadcasts queue", done.id, args.concurrency);
    if done.sent != args.targets as i64 || twice > 0 || missing > 0 {
        anyhow::bail!("the broadcast did not reach every target exactly once");
    }
    Ok(())
}

/// Creates and starts the broadcast, then waits until no target is left to send (or far past
/// the time Telegram's limits need); returns its final counts and how long creating took.
async fn send_and_watch(
    pool: &sqlx::PgPool,
    chats: &[i64],
    args: &BotBenchArgs,
) -> anyhow::Result<(broadcast::Broadcast, Duration)> {
    let start = Instant::now();
    let targets =
        chats.iter().map(|chat| Target::Chat { platform: Platform::Telegram, chat_id: chat.to_string() }).collect();
    let new = NewBroadcast { author_id: None, text: "GroupBuy benchmark broadcast".into(), targets };
    let created = broadcast::create(pool, Actor::System, new, true).await?;
    let created_in = start.elapsed();
    // Generous: at Telegram's ~30/s, plus a minute.
    let deadline = start + Duration::from_secs_f64(args.targets as f64 / 25.0 + 60.0);
    loop {
        let now = broadcast::get(pool, Actor::System, created.id).await?;
        if now.pending + now.sending == 0 || Instant::now() > deadline {
            return Ok((now, created_in));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
