//! A recording test double of the Messenger port: it serves the platforms it is told to,
//! records every message it accepts, and answers with scripted errors (per chat, in order)
//! before accepting.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use workflows::jobs::JobContext;
use workflows::messenger::{Messenger, Outbound, Platform, SendError, Sent};

#[derive(Default)]
pub struct Recording {
    serves: Vec<Platform>,
    sent: Mutex<Vec<Outbound>>,
    script: Mutex<HashMap<String, VecDeque<SendError>>>,
}

impl Recording {
    pub fn serving(platforms: &[Platform]) -> Arc<Self> {
        Arc::new(Self { serves: platforms.to_vec(), ..Self::default() })
    }

    /// The next sends to `chat_id` answer `errors`, in order, before one is accepted.
    pub fn answer(&self, chat_id: &str, errors: impl IntoIterator<Item = SendError>) {
        self.script.lock().unwrap().entry(chat_id.to_string()).or_default().extend(errors);
    }

    pub fn sent(&self) -> Vec<Outbound> {
        self.sent.lock().unwrap().clone()
    }

    /// How many accepted messages went to `chat_id`.
    pub fn sent_to(&self, chat_id: &str) -> usize {
        self.sent().iter().filter(|m| m.chat_id == chat_id).count()
    }

    /// The job context `ctx` with this double as its messenger.
    pub fn in_context(self: &Arc<Self>, mut ctx: JobContext) -> JobContext {
        ctx.messenger = self.clone();
        ctx
    }
}

#[async_trait::async_trait]
impl Messenger for Recording {
    fn serves(&self, platform: Platform) -> bool {
        self.serves.contains(&platform)
    }

    async fn send(&self, message: &Outbound) -> Result<Sent, SendError> {
        if let Some(error) = self.script.lock().unwrap().get_mut(&message.chat_id).and_then(VecDeque::pop_front) {
            return Err(error);
        }
        let mut sent = self.sent.lock().unwrap();
        sent.push(message.clone());
        Ok(Sent { message_id: format!("m{}", sent.len()) })
    }
}
