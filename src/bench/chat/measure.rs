//! The measured phases: a few clients of one room post at a fixed rate while every client of the
//! room records when each message reaches it.

use anyhow::bail;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Each sender stays under the per-person rate limit (20/s).
const PER_SENDER: u32 = 15;
/// How long after the last post a delivery still counts.
const GRACE: Duration = Duration::from_secs(2);

/// What every receiver records: latency of each delivery, and the worst per message.
#[derive(Default)]
struct Tally {
    deliveries: Option<Histogram<u64>>,
    worst: HashMap<u64, u64>,
}

/// Runs one phase per rate on the sockets of `room`; the other sockets stay connected and idle.
pub async fn deliveries(
    sockets: Vec<(i64, Ws)>,
    room: i64,
    rates: &[u32],
    seconds: u64,
    servers: &[u32],
) -> anyhow::Result<()> {
    let start = Instant::now();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut senders: Vec<SplitSink<Ws, Message>> = Vec::new();
    let mut receivers = 0usize;
    let mut tasks = Vec::new();
    let needed = rates.iter().max().copied().unwrap_or(1).div_ceil(PER_SENDER) as usize;
    let mut idle = Vec::new();
    for (in_room, ws) in sockets {
        if in_room != room {
            idle.push(ws); // kept open for the whole run
            continue;
        }
        receivers += 1;
        let (sink, mut stream) = ws.split();
        if senders.len() < needed {
            senders.push(sink);
        }
        let tally = tally.clone();
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
                let mut tally = tally.lock().unwrap();
                if let Some(h) = tally.deliveries.as_mut() {
                    let _ = h.record(micros);
                    let worst = tally.worst.entry(sent).or_insert(0);
                    *worst = (*worst).max(micros);
                }
            }
        }));
    }
    if senders.len() < needed {
        bail!("the room has {} clients; rate {} needs {needed} senders", senders.len(), rates.iter().max().unwrap());
    }
    println!("room {room}: {receivers} receivers, {} senders", senders.len());
    println!(
        "| rate | deliveries | delivery p50 / p99 / max | last receiver p50 / p99 / max | server CPU per delivery | generator CPU |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for &rate in rates {
        {
            let mut tally = tally.lock().unwrap();
            tally.deliveries = Some(Histogram::new(3)?);
            tally.worst.clear();
        }
        let cpu_before = (cpu_of(servers), cpu_ticks(std::process::id()));
        let senders_now = rate.div_ceil(PER_SENDER) as usize;
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
        let total = (seconds * u64::from(rate)) as usize;
        for n in 0..total {
            tick.tick().await;
            let text = format!("bench:{}", start.elapsed().as_micros());
            let frame = Message::text(json!({ "type": "message", "text": text }).to_string());
            if let Err(e) = senders[n % senders_now].send(frame).await {
                // The server cut a sender off (it fell too far behind as a receiver): past the ceiling.
                println!("| {rate}/s | a sender was disconnected after {n} posts: {e} |");
                return Ok(());
            }
        }
        tokio::time::sleep(GRACE).await;
        let cpu_after = (cpu_of(servers), cpu_ticks(std::process::id()));
        let (h, lasts) = {
            let mut tally = tally.lock().unwrap();
            let h = tally.deliveries.take().unwrap_or_else(|| Histogram::new(3).unwrap());
            let mut lasts = Histogram::<u64>::new(3)?;
            for worst in tally.worst.values() {
                lasts.record(*worst)?;
            }
            (h, lasts)
        };
        let tick_us = 1_000_000.0 / USER_HZ;
        let server = cpu_before.0.zip(cpu_after.0).map_or("?".to_string(), |(b, a)| {
            let (total, system) = (a.total() - b.total(), a.system - b.system);
            format!(
                "{:.2} µs ({:.1} s, {:.0} % in the kernel)",
                total as f64 * tick_us / h.len().max(1) as f64,
                total as f64 / USER_HZ,
                100.0 * system as f64 / total.max(1) as f64
            )
        });
        let generator = cpu_before
            .1
            .zip(cpu_after.1)
            .map_or("?".to_string(), |(b, a)| format!("{:.1} s", (a.total() - b.total()) as f64 / USER_HZ));
        let three = |h: &Histogram<u64>| {
            format!("{} / {} / {}", ms(h.value_at_quantile(0.5)), ms(h.value_at_quantile(0.99)), ms(h.max()))
        };
        println!(
            "| {rate}/s for {seconds} s | {} of {} | {} | {} | {server} | {generator} |",
            h.len(),
            total * receivers,
            three(&h),
            three(&lasts)
        );
    }
    for task in &tasks {
        task.abort();
    }
    drop(idle);
    Ok(())
}

fn ms(micros: u64) -> String {
    format!("{:.1} ms", micros as f64 / 1000.0)
}

const USER_HZ: f64 = 100.0;

/// CPU time in clock ticks: in the process's own code, and in the kernel on its behalf (on
/// loopback a socket write also runs the receiver's TCP input, so the kernel share is large).
#[derive(Clone, Copy, Default)]
struct Cpu {
    user: u64,
    system: u64,
}

impl Cpu {
    fn total(self) -> u64 {
        self.user + self.system
    }
}

fn cpu_of(pids: &[u32]) -> Option<Cpu> {
    pids.iter().map(|&pid| cpu_ticks(pid)).try_fold(Cpu::default(), |sum, cpu| {
        cpu.map(|cpu| Cpu { user: sum.user + cpu.user, system: sum.system + cpu.system })
    })
}

/// A process's CPU time so far.
fn cpu_ticks(pid: u32) -> Option<Cpu> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(Cpu { user: fields.get(11)?.parse().ok()?, system: fields.get(12)?.parse().ok()? })
}
