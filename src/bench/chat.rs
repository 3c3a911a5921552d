//! `groupbuy bench chat`: N WebSocket clients in one procurement's room on a running API; a few
//! of them post at a fixed rate; every client measures each delivery's latency (post to
//! receipt, one clock: sender and receivers are in this process). Reports connect time,
//! delivery latency (p50, p99, max), last-receiver latency, the server's CPU per delivery and
//! memory per connection (found by its listening port), and this process's own CPU.

use super::api::{SetupClient, create_procurement, first_key, organizer, pid_listening_on, register_buyers, rss_kib};
use crate::config::Settings;
use anyhow::{anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use reqwest::Url;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

#[derive(clap::Args)]
pub struct ChatBenchArgs {
    /// Base URL of the running API (default: http://HTTP_ADDR).
    #[arg(long)]
    pub url: Option<String>,
    /// Clients in the room.
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Room messages per second.
    #[arg(long, default_value_t = 20)]
    pub rate: u32,
    /// Measured seconds.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    #[arg(long, env = "BENCH_SERVICE_KEY", hide_env_values = true)]
    pub service_key: Option<String>,
}

/// Each sender stays under the per-person rate limit (20/s).
const PER_SENDER: u32 = 15;

pub async fn run(settings: &Settings, args: ChatBenchArgs) -> anyhow::Result<()> {
    if args.clients == 0 || args.rate == 0 || args.duration == 0 {
        bail!("--clients, --rate and --duration must be positive");
    }
    let base =
        Url::parse(args.url.clone().unwrap_or_else(|| format!("http://{}", settings.http_addr)).trim_end_matches('/'))?;
    let key = args.service_key.clone().or_else(|| first_key(settings)).ok_or_else(|| anyhow!("no service key"))?;
    let api = SetupClient::new(&base, &key)?;
    api.check_key().await?;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let room = create_procurement(&api, organizer(&api).await?, 0, &deadline).await?;
    let people = register_buyers(&api, args.clients).await?;
    futures_util::stream::iter(&people)
        .map(|buyer| {
            let (path, body) =
                (format!("/api/procurements/{room}/join/"), json!({ "user_id": buyer, "quantity": "1" }));
            let api = &api;
            async move { api.post_ok(&path, &body).await }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;

    let server = base.port_or_known_default().and_then(pid_listening_on);
    let rss_before = server.and_then(rss_kib);
    let ws_base = format!("{}/ws/procurement/{room}/", base.as_str().trim_end_matches('/').replacen("http", "ws", 1));
    let secret = settings.jwt_secret.as_bytes();
    let t = Instant::now();
    let sockets: Vec<_> = futures_util::stream::iter(&people)
        .map(|&user| {
            let url = format!("{ws_base}?token={}", api::auth::issue_token(secret, user, api::auth::TOKEN_LIFETIME).0);
            async move { tokio_tungstenite::connect_async(url).await.map(|(ws, _)| (user, ws)) }
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let connect = t.elapsed();
    let rss_connected = server.and_then(rss_kib);

    // Receivers: every socket records the latency of every message frame.
    let start = Instant::now();
    let latencies = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
    let last = Arc::new(Mutex::new(std::collections::HashMap::<u64, u64>::new()));
    let mut senders = Vec::new();
    let sender_count = args.rate.div_ceil(PER_SENDER) as usize;
    let mut tasks = Vec::new();
    for (i, (_, ws)) in sockets.into_iter().enumerate() {
        let (sink, mut stream) = ws.split();
        if i < sender_count {
            senders.push(sink);
        }
        let (latencies, last) = (latencies.clone(), last.clone());
        tasks.push(tokio::spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                // Pings and the like: the library answers them.
                let Message::Text(text) = frame else { continue };
                let Ok(frame) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
                let Some(sent) =
                    frame["text"].as_str().and_then(|t| t.strip_prefix("bench:")).and_then(|t| t.parse::<u64>().ok())
                else {
                    continue;
                };
                let micros = start.elapsed().as_micros() as u64 - sent;
                let _ = latencies.lock().unwrap().record(micros);
                let mut last = last.lock().unwrap();
                let worst = last.entry(sent).or_insert(0);
                *worst = (*worst).max(micros);
            }
        }));
    }
    let cpu_before = (server.and_then(cpu_ticks), cpu_ticks(std::process::id()));
    let interval = Duration::from_secs_f64(1.0 / f64::from(args.rate));
    let mut tick = tokio::time::interval(interval);
    let total = (args.duration as f64 * f64::from(args.rate)) as usize;
    for n in 0..total {
        tick.tick().await;
        let text = format!("bench:{}", start.elapsed().as_micros());
        senders[n % sender_count].send(Message::text(json!({ "type": "message", "text": text }).to_string())).await?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu_after = (server.and_then(cpu_ticks), cpu_ticks(std::process::id()));
    for task in &tasks {
        task.abort();
    }

    let h = latencies.lock().unwrap().clone();
    let mut lasts = Histogram::<u64>::new(3)?;
    for worst in last.lock().unwrap().values() {
        lasts.record(*worst)?;
    }
    let ms = |v: u64| format!("{:.1} ms", v as f64 / 1000.0);
    println!("room {room}: {} clients connected in {:.2} s", args.clients, connect.as_secs_f64());
    println!("{total} messages at {}/s, {} deliveries of {} expected", args.rate, h.len(), total * args.clients);
    println!(
        "delivery: p50 {} p99 {} max {}",
        ms(h.value_at_quantile(0.5)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max())
    );
    println!(
        "last receiver: p50 {} p99 {} max {}",
        ms(lasts.value_at_quantile(0.5)),
        ms(lasts.value_at_quantile(0.99)),
        ms(lasts.max())
    );
    let tick_us = 1_000_000.0 / ticks_per_second();
    if let (Some(before), Some(after)) = (cpu_before.0, cpu_after.0) {
        let per = (after - before) as f64 * tick_us / h.len().max(1) as f64;
        println!("server CPU: {:.1} s, {per:.2} µs per delivery", (after - before) as f64 * tick_us / 1e6);
    }
    if let (Some(before), Some(after)) = (cpu_before.1, cpu_after.1) {
        println!("load generator CPU: {:.1} s", (after - before) as f64 * tick_us / 1e6);
    }
    if let (Some(before), Some(after)) = (rss_before, rss_connected) {
        println!(
            "server memory: {:.1} KiB per connection",
            (after.saturating_sub(before)) as f64 / args.clients as f64
        );
    }
    Ok(())
}

/// User + system CPU time of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn ticks_per_second() -> f64 {
    100.0 // USER_HZ on Linux
}
