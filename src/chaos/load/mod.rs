//! The load a fault meets: procurements driven through their whole life (joins, confirmations,
//! payments from the balance, completion with its captures or cancellation with its refunds,
//! the organizer's chat messages), people chatting over WebSockets, notifications sent, and
//! deposits paid in at the bank. Each writes down what it asked and what it was told.

mod chat;
mod cycle;
mod extras;

pub use chat::ChatRoom;

use super::bank::SandboxBank;
use super::client::{Answer, Api, Who};
use super::people::People;
use super::record::RoundRecord;
use reqwest::Method;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// What every task of the load shares.
pub struct World {
    pub api: Arc<Api>,
    pub people: Arc<People>,
    pub bank: SandboxBank,
    pub record: Arc<Mutex<RoundRecord>>,
    pub round: usize,
    /// Turns true when the load should start nothing new (what is under way is finished).
    pub stop: watch::Receiver<bool>,
}

impl World {
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    pub fn problem(&self, what: String) {
        tracing::warn!(problem = what, "chaos load");
        self.record.lock().unwrap_or_else(|e| e.into_inner()).problems.push(what);
    }
}

/// How much load: procurement lifecycles at once, their size, and the chat.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub lifecycles: usize,
    pub buyers_per_procurement: usize,
    pub chatters: usize,
}

/// The running load of one round.
pub struct Load {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
    pub chat: ChatRoom,
}

impl Load {
    /// Opens the round's chat room and starts every task.
    pub async fn start(world: World, shape: Shape, stop: watch::Sender<bool>) -> anyhow::Result<Self> {
        let world = Arc::new(world);
        let chat = ChatRoom::open(&world, shape.chatters).await?;
        let mut tasks = JoinSet::new();
        for task in 0..shape.lifecycles {
            tasks.spawn(cycle::run(world.clone(), task, shape.buyers_per_procurement));
        }
        for chatter in chat.chatters.iter().cloned() {
            tasks.spawn(chat::run(world.clone(), chatter, chat.procurement));
        }
        tasks.spawn(extras::notify(world.clone()));
        tasks.spawn(extras::deposit(world.clone()));
        Ok(Self { stop, tasks, chat })
    }

    /// Starts nothing new and waits for what is under way: procurements to their end, the
    /// chatters' last messages to be answered. The chatters keep listening until the round
    /// ends, so the checks can see what each received.
    pub async fn finish(&mut self) {
        let _ = self.stop.send(true);
        while self.tasks.len() > self.chat.chatters.len() {
            if self.tasks.join_next().await.is_none() {
                break;
            }
        }
    }

    pub async fn end(mut self) {
        self.chat.hang_up();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// The longest one step may take to get through before its procurement is given up on (and
/// reported): longer than any outage of the run.
pub const STEP_LIMIT: Duration = Duration::from_secs(150);

/// How to tell whether a write whose answer was lost took effect after all.
pub enum Check<'a> {
    /// It cannot be told (a new procurement): a refusal after a lost answer is a failure.
    Nothing,
    /// The procurement is in this status.
    Procurement(i64, &'a str),
    /// The order is in this status (read as `Who`).
    Order(i64, &'a str, Who<'a>),
    /// The person has an order in the procurement.
    Joined(i64, i64),
}

impl Check<'_> {
    async fn holds(&self, api: &Api) -> bool {
        match self {
            Check::Nothing => false,
            Check::Procurement(id, to) => {
                api.read(&format!("/api/procurements/{id}/"), Who::Service).await.is_ok_and(|p| p["status"] == *to)
            }
            Check::Order(id, to, who) => {
                let path = format!("/api/procurements/participants/{id}/");
                api.read(&path, *who).await.is_ok_and(|p| p["status"] == *to)
            }
            Check::Joined(procurement, user) => order_of(api, *procurement, *user).await.is_some(),
        }
    }
}

/// The order `user` has in `procurement`, as the API lists it.
pub async fn order_of(api: &Api, procurement: i64, user: i64) -> Option<serde_json::Value> {
    let list = api.read(&format!("/api/procurements/{procurement}/participants/"), Who::Service).await.ok()?;
    list.as_array()?.iter().find(|p| p["user"] == user).cloned()
}

/// Where a write goes, and as whom.
pub struct Write<'a> {
    pub method: Method,
    pub path: &'a str,
    pub who: Who<'a>,
}

/// Sends a write until it is accepted (`body` makes the n-th try's body, `tried` hears each try
/// and its answer); returns the accepted body, or `None` when a refusal after a try in doubt
/// turned out (by `check`) to mean an earlier try took effect.
pub async fn until_done(
    api: &Api,
    write: Write<'_>,
    body: impl Fn(u32) -> serde_json::Value,
    check: Check<'_>,
    mut tried: impl FnMut(&serde_json::Value, &Answer),
) -> Result<Option<serde_json::Value>, String> {
    let what = format!("{} {}", write.method, write.path);
    let started = Instant::now();
    let mut doubt = false;
    let mut tries = 0;
    loop {
        let sent = body(tries);
        let answer = api.write(write.method.clone(), write.path, write.who, &sent).await;
        tried(&sent, &answer);
        tries += 1;
        match &answer {
            Answer::Accepted(body) => return Ok(Some(body.clone())),
            // Two changes of one procurement met: the platform asks to try again.
            Answer::Refused { status: 409, code } if code == "concurrent_change" => {}
            Answer::Refused { status, code } if !answer.in_doubt() => {
                if doubt && check.holds(api).await {
                    return Ok(None);
                }
                return Err(format!("{what}: refused with {status} {code}"));
            }
            _ => doubt = true,
        }
        if started.elapsed() > STEP_LIMIT {
            return Err(format!("{what}: not through after {} s; last {answer:?}", STEP_LIMIT.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
