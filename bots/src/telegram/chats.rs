//! One queue per chat: a chat's updates are handled one after another (a dialogue reads what
//! its previous step wrote), different chats at once. A chat's worker ends after a quiet spell,
//! so idle chats cost nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::Handler;
use crate::runtime::{Answer, Incoming, Transport};

/// A chat's worker stops after this long without updates.
const IDLE: Duration = Duration::from_secs(30);

/// One update to handle; `key` is unique per update (the messages' send keys derive from it).
struct Job {
    key: String,
    incoming: Incoming,
    /// Called once the update is answered (long polling confirms it then).
    answered: Option<Box<dyn FnOnce() + Send>>,
}

#[derive(Clone)]
pub struct ChatQueues {
    handler: Arc<dyn Handler>,
    transport: Arc<dyn Transport>,
    chats: Arc<Mutex<HashMap<i64, mpsc::UnboundedSender<Job>>>>,
}

impl ChatQueues {
    pub fn new(handler: Arc<dyn Handler>, transport: Arc<dyn Transport>) -> Self {
        ChatQueues { handler, transport, chats: Arc::default() }
    }

    /// Queues an update behind the chat's earlier ones; returns at once.
    pub fn push(&self, key: String, incoming: Incoming) {
        self.enqueue(Job { key, incoming, answered: None });
    }

    /// [`push`](Self::push), calling `answered` once the update has been answered.
    pub fn push_then(&self, key: String, incoming: Incoming, answered: impl FnOnce() + Send + 'static) {
        self.enqueue(Job { key, incoming, answered: Some(Box::new(answered)) });
    }

    fn enqueue(&self, job: Job) {
        let chat = job.incoming.chat_id;
        let mut chats = self.chats.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let job = match chats.get(&chat) {
            Some(queue) => match queue.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let (queue, jobs) = mpsc::unbounded_channel();
        let _ = queue.send(job);
        chats.insert(chat, queue);
        tokio::spawn(self.clone().work(chat, jobs));
    }

    async fn work(self, chat: i64, mut jobs: mpsc::UnboundedReceiver<Job>) {
        loop {
            match tokio::time::timeout(IDLE, jobs.recv()).await {
                Ok(Some(job)) => self.handle(job).await,
                Ok(None) => return,
                Err(_quiet) => {
                    // Pushes happen under the lock: an empty queue seen under it stays empty
                    // once unlisted, so no update can wait behind a worker that is leaving.
                    let mut chats = self.chats.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    if jobs.is_empty() {
                        chats.remove(&chat);
                        return;
                    }
                }
            }
        }
    }

    async fn handle(&self, job: Job) {
        // Called when this returns or unwinds: a handler that panicked must not hold long
        // polling's confirmations back for good.
        let _answered = job.answered.map(Answered);
        let answer = self.handler.handle(job.incoming).await;
        deliver(self.transport.as_ref(), &answer, &job.key).await;
    }
}

/// Runs the "answered" callback when dropped.
struct Answered(Box<dyn FnOnce() + Send>);

impl Drop for Answered {
    fn drop(&mut self) {
        let done = std::mem::replace(&mut self.0, Box::new(|| ()));
        done();
    }
}

/// Puts an answer on the platform in order: the acknowledgement first (it stops the client's
/// spinner), then each message. A message that fails for good is logged and the rest still go.
pub async fn deliver(transport: &dyn Transport, answer: &Answer, key: &str) {
    if let Some(ack) = &answer.ack
        && let Err(error) = transport.acknowledge(ack).await
    {
        tracing::warn!(%error, query = %ack.query_id, "callback not acknowledged");
    }
    for (index, message) in answer.messages.iter().enumerate() {
        if let Err(error) = transport.deliver(message, &format!("{key}:{index}")).await {
            tracing::warn!(%error, chat = message.chat_id, "reply not delivered");
        }
    }
}
