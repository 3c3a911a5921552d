//! The webhook part: offered load of `/help` updates from distinct people, each answered
//! through the whole webhook path, timed at the fake.
//!
//! `/help` because every such update does the conversation's full round for a known chat: the
//! chat's Redis lock, the person's lookup in PostgreSQL, the session loaded and saved in Redis,
//! a rendered reply through the limiter to `sendMessage`; it changes no data, so a run can be
//! repeated on the same database.

use super::{BotBenchArgs, TOKEN, own_cpu_seconds};
use crate::config::Settings;
use crate::roles::bot::BotContext;
use anyhow::bail;
use bots::fake::telegram::{FakeTelegram, FakeUser, UserAction};
use bots::outbound::{Limiter, Limits};
use bots::telegram::{ChatQueues, TelegramTransport};
use hdrhistogram::Histogram;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Endpoint, EndpointExt, IntoResponse};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The first simulated person's Telegram id (the others follow).
const FIRST_USER: i64 = 834_000_000_001;
/// Updates sent before measuring, so pools and connections are warm.
const WARM_UP: usize = 20;
const SECRET: &str = "bench-bot-webhook-secret";

/// When each update was injected, per chat, and what the replies showed.
#[derive(Default)]
struct Tap {
    waiting: HashMap<i64, VecDeque<Instant>>,
    latency: Option<Histogram<u64>>,
    answered: usize,
    /// Replies in a chat with no update waiting (a second message for one update).
    unmatched: usize,
    last_reply: Option<Instant>,
}

impl Tap {
    fn sent(&mut self, chat: i64) {
        self.waiting.entry(chat).or_default().push_back(Instant::now());
    }

    fn replied(&mut self, chat: i64) {
        let now = Instant::now();
        match self.waiting.get_mut(&chat).and_then(VecDeque::pop_front) {
            Some(at) => {
                self.answered += 1;
                self.last_reply = Some(now);
                if let Some(h) = self.latency.as_mut() {
                    let _ = h.record(now.duration_since(at).as_micros() as u64);
                }
            }
            None => self.unmatched += 1,
        }
    }
}

pub async fn run(settings: &Settings, pool: &sqlx::PgPool, args: &BotBenchArgs) -> anyhow::Result<()> {
    let mut fake = FakeTelegram::new(TOKEN);
    if args.no_limits {
        fake = fake.without_limits();
    }
    let tap = Arc::new(Mutex::new(Tap::default()));
    let fake_url = serve(&args.fake_addr, tapped(fake.endpoint(), tap.clone())).await?;

    let bot = bots::telegram::bot(TOKEN, &fake_url).map_err(anyhow::Error::msg)?;
    let mut limiter = Limiter::new(workers::storage::connect(&settings.redis_url).await?, &settings.queue_namespace);
    if args.no_limits {
        limiter = limiter.with_limits(Limits {
            overall: Duration::ZERO,
            per_chat: Duration::ZERO,
            per_group: Duration::ZERO,
        });
    }
    let context = BotContext { pool: pool.clone(), pay_into: crate::roles::bank::pay_into(settings, None), bank: None };
    let queues =
        ChatQueues::new(context.conversation(settings).await?, Arc::new(TelegramTransport::new(bot.clone(), limiter)));
    let hook =
        poem::Route::new().at("/telegram/webhook", bots::telegram::webhook::endpoint(Some(SECRET.into()), queues));
    let hook_url = format!("{}/telegram/webhook", serve(&args.webhook_addr, hook).await?);
    bots::telegram::webhook::register(&bot, &hook_url, Some(SECRET)).await.map_err(anyhow::Error::msg)?;

    let people: Vec<FakeUser> = (0..args.users as i64)
        .map(|i| FakeUser {
            id: FIRST_USER + i,
            first_name: format!("Bench {i}"),
            last_name: None,
            username: None,
            language_code: Some("en".into()),
        })
        .collect();
    let say = |n: usize| -> anyhow::Result<()> {
        let from = people[n % people.len()].clone();
        tap.lock().unwrap().sent(from.id);
        let action = UserAction {
            from,
            chat_id: None,
            chat_type: None,
            chat_title: None,
            text: Some("/help".into()),
            callback_data: None,
            message_id: None,
        };
        fake.inject(&action).map(drop).map_err(anyhow::Error::msg)
    };
    for n in 0..WARM_UP.min(people.len()) {
        say(n)?;
    }
    wait_for(&tap, WARM_UP.min(people.len()), Duration::from_secs(30)).await?;
    let limits = if args.no_limits { "off" } else { "Telegram's" };
    println!("webhook: {} people send /help; limits {limits}; fake {fake_url}, webhook {hook_url}", people.len());
    println!(
        "| offered | updates | answered | achieved updates/s | latency p50 / p99 / max | 429s | extra replies | process CPU (per update) |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---|");
    let mut next = WARM_UP;
    for &rate in &args.rates {
        {
            let mut tap = tap.lock().unwrap();
            tap.latency = Some(Histogram::new(3)?);
            (tap.answered, tap.unmatched, tap.last_reply) = (0, 0, None);
        }
        let (cpu, limited) = (own_cpu_seconds(), fake.stats().rate_limited);
        let total = (args.duration * u64::from(rate)) as usize;
        let start = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
        for _ in 0..total {
            tick.tick().await;
            say(next)?;
            next += 1;
        }
        // With the limits, replies leave at ~28.5/s at most: give the backlog that long to drain.
        let drain = Duration::from_secs(10 + if args.no_limits { 0 } else { total as u64 / 25 });
        let complete = wait_for(&tap, total, drain).await;
        let cpu = own_cpu_seconds() - cpu;
        let tap = tap.lock().unwrap();
        let h = tap.latency.as_ref().expect("set for the phase");
        let span = tap
            .last_reply
            .map_or(start.elapsed(), |at| at.duration_since(start))
            .max(Duration::from_secs(args.duration));
        let ms = |micros: u64| format!("{:.1}", micros as f64 / 1000.0);
        println!(
            "| {rate}/s × {} s | {total} | {}{} | {:.1} | {} / {} / {} ms | {} | {} | {cpu:.2} s ({:.2} ms) |",
            args.duration,
            tap.answered,
            if complete.is_ok() { "" } else { " (timed out)" },
            tap.answered as f64 / span.as_secs_f64(),
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max()),
            fake.stats().rate_limited - limited,
            tap.unmatched,
            cpu * 1000.0 / total as f64,
        );
    }
    Ok(())
}

/// Waits until `count` updates of the phase have their reply.
async fn wait_for(tap: &Mutex<Tap>, count: usize, within: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    while tap.lock().unwrap().answered < count {
        if Instant::now() > deadline {
            bail!("only {} of {count} updates answered within {within:?}", tap.lock().unwrap().answered);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// The fake's endpoint, noting each `sendMessage` it accepted (the chat is in the JSON body
/// teloxide sends) the moment it answers.
fn tapped(fake: impl Endpoint + 'static, tap: Arc<Mutex<Tap>>) -> impl Endpoint + 'static {
    fake.around(move |inner, mut request| {
        let tap = tap.clone();
        async move {
            let sends = request.uri().path().to_ascii_lowercase().ends_with("/sendmessage");
            let mut chat = None;
            if sends {
                let body = request.take_body().into_bytes().await?;
                chat = serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v["chat_id"].as_i64());
                request.set_body(body);
            }
            let response = inner.call(request).await?.into_response();
            if let Some(chat) = chat
                && response.status().is_success()
            {
                tap.lock().unwrap().replied(chat);
            }
            Ok(response)
        }
    })
}

/// Serves `endpoint` on `addr` in the background; returns its `http://` base once it listens.
pub(super) async fn serve(addr: &str, endpoint: impl Endpoint + 'static) -> anyhow::Result<String> {
    let acceptor = TcpListener::bind(addr.to_string()).into_acceptor().await?;
    let base = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .map(|a| format!("http://{a}"))
        .ok_or_else(|| anyhow::anyhow!("{addr} has no socket address"))?;
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(endpoint));
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_answers_the_oldest_update_of_its_chat_and_a_second_one_is_extra() {
        let mut tap = Tap { latency: Some(Histogram::new(3).unwrap()), ..Tap::default() };
        tap.sent(1);
        tap.sent(1);
        tap.sent(2);
        tap.replied(1);
        assert_eq!((tap.answered, tap.waiting[&1].len()), (1, 1), "one of chat 1's updates still waits");
        tap.replied(2);
        tap.replied(2);
        assert_eq!((tap.answered, tap.unmatched), (2, 1), "chat 2 had one update: its second reply is extra");
        assert_eq!(tap.latency.as_ref().unwrap().len(), 2);
    }
}
