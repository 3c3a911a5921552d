//! `groupbuy bench chat`: WebSocket clients in procurement chat rooms on one or more running API
//! processes. Clients are spread over `--rooms` rooms and over the `--url`s (client i talks to
//! url i mod n, so two processes share each room through Redis). With `--rates`, a few clients of
//! the first room post at each rate in turn and every client measures each delivery (post to
//! receipt, one clock: senders and receivers are in this process). Reports connect time, memory
//! per connection, delivery and last-receiver latency (p50, p99, max), the servers' CPU per
//! delivery (found by their listening ports) and this process's own CPU, so a client-bound run
//! shows.

mod measure;
mod room;

use super::api::{SetupClient, first_key, pid_listening_on, rss_kib};
use crate::config::Settings;
use anyhow::{anyhow, bail};
use futures_util::StreamExt;
use reqwest::Url;
use std::time::Instant;

#[derive(clap::Args)]
pub struct ChatBenchArgs {
    /// Base URL of a running API; repeat for several processes (default: http://HTTP_ADDR).
    #[arg(long)]
    pub url: Vec<String>,
    /// The API that creates the rooms and their people (default: the first `--url`); set it when
    /// the sockets go to another server, e.g. bench/chat-peer's rebuild of the original's.
    #[arg(long)]
    pub api_url: Option<String>,
    /// Clients in all, spread evenly over the rooms.
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Rooms (procurements) the clients are spread over.
    #[arg(long, default_value_t = 1)]
    pub rooms: usize,
    /// Messages per second posted in the first room, one measured phase per rate (e.g. 20,80,120).
    #[arg(long, value_delimiter = ',', default_value = "20")]
    pub rates: Vec<u32>,
    /// Only connect the clients: connect time and memory, no messages.
    #[arg(long)]
    pub idle: bool,
    /// Measured seconds per rate.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Concurrent connection attempts while connecting.
    #[arg(long, default_value_t = 64)]
    pub connect_concurrency: usize,
    #[arg(long, env = "BENCH_SERVICE_KEY", hide_env_values = true)]
    pub service_key: Option<String>,
}

pub async fn run(settings: &Settings, args: ChatBenchArgs) -> anyhow::Result<()> {
    if args.clients == 0 || args.rooms == 0 || args.duration == 0 || args.rates.contains(&0) {
        bail!("--clients, --rooms, --duration and every rate must be positive");
    }
    let urls = if args.url.is_empty() { vec![format!("http://{}", settings.http_addr)] } else { args.url.clone() };
    let bases = urls.iter().map(|u| Url::parse(u.trim_end_matches('/'))).collect::<Result<Vec<_>, _>>()?;
    let key = args.service_key.clone().or_else(|| first_key(settings)).ok_or_else(|| anyhow!("no service key"))?;
    let setup = args.api_url.as_deref().map(|u| Url::parse(u.trim_end_matches('/'))).transpose()?;
    let api = SetupClient::new(setup.as_ref().unwrap_or(&bases[0]), &key)?;
    api.check_key().await?;
    let rooms = room::populate(&api, args.rooms, args.clients).await?;

    let servers: Vec<u32> = bases.iter().filter_map(|b| b.port_or_known_default().and_then(pid_listening_on)).collect();
    let rss = || servers.iter().filter_map(|&pid| rss_kib(pid)).sum::<u64>();
    let rss_before = rss();
    let secret = settings.jwt_secret.as_bytes();
    let seats: Vec<(String, i64)> = rooms
        .iter()
        .flat_map(|r| r.people.iter().map(move |&user| (r.id, user)))
        .enumerate()
        .map(|(i, (room, user))| {
            let base = bases[i % bases.len()].as_str().trim_end_matches('/').replacen("http", "ws", 1);
            let token = api::auth::issue_token(secret, user, api::auth::TOKEN_LIFETIME).0;
            (format!("{base}/ws/procurement/{room}/?token={token}"), room)
        })
        .collect();
    let t = Instant::now();
    let sockets: Vec<_> = futures_util::stream::iter(seats)
        .map(|(url, room)| async move {
            // A small read buffer: thousands of clients live in this one process. Nagle off, as
            // browsers have it: with it on, a post could wait for the ACK of the one before.
            let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
            tokio_tungstenite::connect_async_with_config(url, Some(config), true).await.map(|(ws, _)| (room, ws))
        })
        .buffer_unordered(args.connect_concurrency.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let connect = t.elapsed();
    // Let the sessions finish greeting before memory is read.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let rss_connected = rss();
    println!(
        "{} clients in {} room(s) on {} process(es): connected in {:.2} s ({:.0}/s)",
        args.clients,
        rooms.len(),
        bases.len(),
        connect.as_secs_f64(),
        args.clients as f64 / connect.as_secs_f64()
    );
    if !servers.is_empty() {
        println!(
            "server memory: {:.1} KiB per connection ({} → {} KiB)",
            rss_connected.saturating_sub(rss_before) as f64 / args.clients as f64,
            rss_before,
            rss_connected
        );
    }
    if !args.idle {
        measure::deliveries(sockets, rooms[0].id, &args.rates, args.duration, &servers).await?;
    }
    Ok(())
}
