//! People chatting in one procurement's room over WebSockets, as the web cabinet does: each sends
//! a message every half second and waits for it to come back; a socket that closes or goes
//! silent is replaced by one to the next API process, resuming with `since` the last message
//! seen. Each remembers every message it received, in order, to be held against the room's
//! stored history.

use super::{Check, World, Write, until_done};
use crate::chaos::client::Who;
use crate::chaos::record::{Outcome, Written};
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message as Frame;

/// How often each chatter speaks.
const SEND_EVERY: Duration = Duration::from_millis(500);
/// A message neither echoed nor refused by then is taken as unanswered, and the socket as dead.
const ANSWER_WITHIN: Duration = Duration::from_secs(8);

/// What one chatter heard and said.
#[derive(Debug, Default)]
pub struct Heard {
    /// Every message received, in the order received: (seq, text).
    pub received: Vec<(i64, String)>,
    pub sent: Vec<Written>,
    /// How long each reconnection took, from the socket's end to the next history frame.
    pub reconnections: Vec<Duration>,
    /// Frames that break the room's promise: a message twice, one out of order, a history gap.
    pub problems: Vec<String>,
}

#[derive(Clone)]
pub struct Chatter {
    /// Index into the run's buyers.
    pub buyer: usize,
    pub heard: Arc<Mutex<Heard>>,
    hang_up: watch::Receiver<bool>,
}

pub struct ChatRoom {
    pub procurement: i64,
    pub chatters: Vec<Chatter>,
    hang_up: watch::Sender<bool>,
}

impl ChatRoom {
    /// A procurement of the first organizer, joined by the first `chatters` buyers.
    pub async fn open(world: &World, chatters: usize) -> anyhow::Result<Self> {
        let organizer = &world.people.organizers[0];
        let org = Who::User(&organizer.token);
        let body = json!({
            "title": format!("Хаос {}: чат", world.round), "description": "Комната для разговоров под отказами",
            "organizer": organizer.id, "city": "Москва", "target_amount": "100000.00", "price_per_unit": "100.00",
            "unit": "шт", "deadline": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
        });
        let api = &world.api;
        let once = async |path: &str, who: Who<'_>, body: &Value| {
            let write = Write { method: Method::POST, path, who };
            until_done(api, write, |_| body.clone(), Check::Nothing, |_, _| {}).await.map_err(anyhow::Error::msg)
        };
        let created = once("/api/procurements/", org, &body).await?;
        let procurement = created.and_then(|b| b["id"].as_i64()).ok_or_else(|| anyhow::anyhow!("no id"))?;
        once(&format!("/api/procurements/{procurement}/update_status/"), org, &json!({ "status": "active" })).await?;
        let (hang_up, listening) = watch::channel(false);
        let mut people = Vec::new();
        for buyer in 0..chatters.min(world.people.buyers.len()) {
            let person = &world.people.buyers[buyer];
            let body = json!({ "user_id": person.id, "quantity": "1" });
            once(&format!("/api/procurements/{procurement}/join/"), Who::User(&person.token), &body).await?;
            people.push(Chatter { buyer, heard: Arc::default(), hang_up: listening.clone() });
        }
        Ok(Self { procurement, chatters: people, hang_up })
    }

    pub fn hang_up(&self) {
        let _ = self.hang_up.send(true);
    }
}

pub async fn run(world: Arc<World>, me: Chatter, room: i64) {
    let person = &world.people.buyers[me.buyer];
    let bases = world.api.bases();
    let mut hang_up = me.hang_up.clone();
    let mut last_seq = 0;
    let mut next_api = me.buyer;
    let mut said = 0;
    let mut dropped_at: Option<Instant> = None;
    while !*hang_up.borrow() {
        let base = bases[next_api % bases.len()].replacen("http", "ws", 1);
        next_api += 1;
        let url = format!("{base}/ws/procurement/{room}/?token={}&since={last_seq}", person.token);
        let Ok((socket, _)) = tokio_tungstenite::connect_async(&url).await else {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        };
        let (mut out, mut frames) = socket.split();
        let mut waiting: Option<(String, Instant)> = None;
        let mut tick = tokio::time::interval(SEND_EVERY);
        loop {
            let deadline =
                waiting.as_ref().map_or_else(|| Instant::now() + ANSWER_WITHIN, |(_, at)| *at + ANSWER_WITHIN);
            tokio::select! {
                _ = hang_up.changed() => break,
                _ = tick.tick(), if waiting.is_none() && !world.stopping() => {
                    let text = format!("хаос {}: {} говорит {said}", world.round, me.buyer);
                    said += 1;
                    if out.send(Frame::text(json!({ "type": "message", "text": text }).to_string())).await.is_err() {
                        me.note(Written { text, outcome: Outcome::Unanswered });
                        break;
                    }
                    waiting = Some((text, Instant::now()));
                }
                _ = tokio::time::sleep_until(deadline.into()), if waiting.is_some() => break,
                frame = frames.next() => match frame {
                    Some(Ok(Frame::Text(text))) => {
                        let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                        if frame["type"] == "history"
                            && let Some(down) = dropped_at.take()
                        {
                            me.heard().reconnections.push(down.elapsed());
                        }
                        me.hear(&frame, person.id, &mut last_seq, &mut waiting);
                    }
                    Some(Ok(Frame::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
            }
        }
        if let Some((text, _)) = waiting.take() {
            me.note(Written { text, outcome: Outcome::Unanswered });
        }
        dropped_at.get_or_insert_with(Instant::now);
    }
}

impl Chatter {
    fn heard(&self) -> std::sync::MutexGuard<'_, Heard> {
        self.heard.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, written: Written) {
        self.heard().sent.push(written);
    }

    /// One frame from the room.
    fn hear(&self, frame: &Value, me: i64, last_seq: &mut i64, waiting: &mut Option<(String, Instant)>) {
        match frame["type"].as_str() {
            Some("history") => {
                for message in frame["messages"].as_array().into_iter().flatten() {
                    self.receive(message, me, last_seq, waiting);
                }
            }
            Some("message") => self.receive(frame, me, last_seq, waiting),
            Some("error") => match waiting.take() {
                Some((text, _)) => self.note(Written { text, outcome: Outcome::Refused }),
                None => self.heard().problems.push(format!("an error frame for no message: {frame}")),
            },
            Some("reload") => self.heard().problems.push(format!("the room could not replay what was missed: {frame}")),
            _ => {}
        }
    }

    fn receive(&self, message: &Value, me: i64, last_seq: &mut i64, waiting: &mut Option<(String, Instant)>) {
        let seq = message["seq"].as_i64().unwrap_or(0);
        let text = message["text"].as_str().unwrap_or_default().to_string();
        let mut heard = self.heard();
        if seq <= *last_seq {
            heard.problems.push(format!("message {seq} again after {last_seq}"));
            return;
        }
        if seq != *last_seq + 1 {
            heard.problems.push(format!("message {seq} right after {last_seq}"));
        }
        *last_seq = seq;
        if message["user_id"] == me && waiting.as_ref().is_some_and(|(sent, _)| *sent == text) {
            waiting.take();
            heard.sent.push(Written { text: text.clone(), outcome: Outcome::Accepted });
        }
        heard.received.push((seq, text));
    }
}
