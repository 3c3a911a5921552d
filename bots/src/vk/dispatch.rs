//! Updates to the conversation and its answers back to VK: one chat's updates in the order they
//! came, different chats at once. Chats are spread over a fixed set of lanes by peer id, each
//! lane handling its updates one after another, so order holds without a task per chat.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use super::claims::EventClaims;
use super::client::VkClient;
use super::updates::Update;
use crate::runtime::{SendError, Transport};

pub use crate::runtime::Handler;

/// How many chats are served at once.
pub const LANES: usize = 16;

/// Attempts per message when VK pushes back or cannot be reached, before the update fails.
const ATTEMPTS: u32 = 5;

struct Job {
    update: Update,
    done: Option<oneshot::Sender<Result<(), SendError>>>,
}

pub struct Dispatcher {
    lanes: Vec<mpsc::UnboundedSender<Job>>,
    workers: JoinSet<()>,
}

impl Dispatcher {
    /// With `claims`, an update another process (or an earlier delivery) claimed is skipped.
    pub fn start(client: Arc<VkClient>, handler: Arc<dyn Handler>, claims: Option<EventClaims>) -> Self {
        let mut workers = JoinSet::new();
        let lanes = (0..LANES)
            .map(|_| {
                let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
                let (client, handler, claims) = (client.clone(), handler.clone(), claims.clone());
                workers.spawn(async move {
                    while let Some(job) = rx.recv().await {
                        let outcome = once(claims.as_ref(), &client, handler.as_ref(), job.update).await;
                        if let Some(done) = job.done {
                            let _ = done.send(outcome);
                        }
                    }
                });
                tx
            })
            .collect();
        Dispatcher { lanes, workers }
    }

    fn lane(&self, chat_id: i64) -> &mpsc::UnboundedSender<Job> {
        &self.lanes[chat_id.unsigned_abs() as usize % self.lanes.len()]
    }

    /// Queues an update (long poll: VK has already moved on, nobody waits).
    pub fn push(&self, update: Update) {
        let _ = self.lane(update.incoming.chat_id).send(Job { update, done: None });
    }

    /// Handles an update in its chat's order and says whether its answer went out (Callback
    /// API: VK retries an event that did not get "ok").
    pub async fn submit(&self, update: Update) -> Result<(), SendError> {
        let (done, outcome) = oneshot::channel();
        let closed = || SendError::Unavailable("the VK dispatcher stopped".into());
        self.lane(update.incoming.chat_id).send(Job { update, done: Some(done) }).map_err(|_| closed())?;
        outcome.await.unwrap_or_else(|_| Err(closed()))
    }

    /// Lets every queued update be answered, then stops.
    pub async fn finish(mut self) {
        self.lanes.clear();
        while self.workers.join_next().await.is_some() {}
    }
}

/// Answers an update unless it was claimed before; a failed answer gives the claim back.
async fn once(
    claims: Option<&EventClaims>,
    client: &VkClient,
    handler: &dyn Handler,
    update: Update,
) -> Result<(), SendError> {
    let Some(claims) = claims else { return answer(client, handler, update).await };
    let event_id = update.event_id.clone();
    match claims.claim(&event_id).await {
        Ok(true) => {}
        Ok(false) => return Ok(()),
        Err(error) => return Err(SendError::Unavailable(format!("claiming a VK update in Redis: {error}"))),
    }
    let outcome = answer(client, handler, update).await;
    if outcome.is_err() {
        claims.release(&event_id).await;
    }
    outcome
}

/// Handles one update and delivers its answer: the acknowledgement first (it stops the
/// button's spinner), then the messages in order. Each message's key is the update's id and
/// its place in the answer, so a second run of the same update sends nothing twice.
async fn answer(client: &VkClient, handler: &dyn Handler, mut update: Update) -> Result<(), SendError> {
    client.name(&mut update.incoming.from).await;
    let answer = handler.handle(update.incoming).await;
    if let Some(ack) = &answer.ack {
        // An unanswered button only spins until VK gives up; the messages matter more.
        if let Err(error) = persist(|| client.acknowledge(ack)).await {
            tracing::warn!(%error, "VK: a button press stayed unacknowledged");
        }
    }
    for (n, message) in answer.messages.iter().enumerate() {
        let key = format!("vk:{}:{n}", update.event_id);
        match persist(|| client.deliver(message, &key)).await {
            Ok(_) => {}
            // The person blocked the bot or VK will never take this message: nothing to retry.
            Err(SendError::Refused(why)) => tracing::warn!(chat = message.chat_id, why, "VK refused a message"),
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Runs `send` until it succeeds, is refused, or [`ATTEMPTS`] are spent, waiting as VK asks
/// (`RetryAfter`) or backing off (`Unavailable`).
async fn persist<F, Fut, T>(mut send: F) -> Result<T, SendError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SendError>>,
{
    let mut backoff = Duration::from_millis(250);
    for attempt in 1.. {
        match send().await {
            Err(SendError::RetryAfter(wait)) if attempt < ATTEMPTS => tokio::time::sleep(wait).await,
            Err(SendError::Unavailable(_)) if attempt < ATTEMPTS => {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            outcome => return outcome,
        }
    }
    unreachable!("the loop returns by its last attempt")
}
