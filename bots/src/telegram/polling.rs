//! Long polling (`getUpdates`), the default way to receive updates. An update is confirmed (by a
//! later request's offset) only once it and every older one have been answered, so updates a
//! crash interrupts are fetched again after the restart: none is lost. The price is that one
//! answered while an older one was still being handled may be answered again after a crash.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::Bot;
use teloxide::payloads::GetUpdatesSetters;
use teloxide::prelude::Requester;
use teloxide::{ApiError, RequestError};

use super::{ChatQueues, incoming};

/// How long one `getUpdates` waits for an update before answering empty.
pub const LONG_POLL: Duration = Duration::from_secs(25);

/// After a failed poll (network, Telegram 5xx), before the next one.
const AFTER_FAILURE: Duration = Duration::from_secs(2);

/// While an old update is unanswered, Telegram hands back what we already hold at once: wait a
/// little before asking again rather than spinning.
const WHILE_ANSWERING: Duration = Duration::from_millis(200);

/// Checks the token (`getMe`), removes any webhook (the two modes exclude each other), then
/// polls until the task is dropped. Fails only when the token is refused at the start.
pub async fn run_polling(bot: Bot, queues: ChatQueues) -> Result<(), RequestError> {
    let me = bot.get_me().await?;
    tracing::info!(username = ?me.user.username, "telegram bot polling for updates");
    bot.delete_webhook().await?;
    // Updates queued and not yet answered, and the id after the newest one queued.
    let unanswered: Arc<Mutex<BTreeSet<i32>>> = Arc::default();
    let mut next: i32 = 0;
    loop {
        let oldest = unanswered.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).first().copied();
        let confirm = oldest.unwrap_or(next);
        let polled = bot.get_updates().offset(confirm).timeout(LONG_POLL.as_secs() as u32).await;
        match polled {
            Ok(updates) => {
                let mut fresh = false;
                for update in updates {
                    let id = update.id.0 as i32;
                    if id < next {
                        continue; // queued already: an older update is still being answered
                    }
                    (next, fresh) = (id + 1, true);
                    if let Some(incoming) = incoming(&update) {
                        unanswered.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(id);
                        let unanswered = unanswered.clone();
                        queues.push_then(format!("telegram:{id}"), incoming, move || {
                            unanswered.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&id);
                        });
                    }
                }
                if !fresh && oldest.is_some() {
                    tokio::time::sleep(WHILE_ANSWERING).await;
                }
            }
            Err(RequestError::RetryAfter(wait)) => tokio::time::sleep(wait.duration()).await,
            Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates)) => {
                tracing::warn!("another process polls this bot's updates; only one should");
                tokio::time::sleep(AFTER_FAILURE).await;
            }
            Err(error) => {
                tracing::warn!(%error, "getUpdates failed; polling again shortly");
                tokio::time::sleep(AFTER_FAILURE).await;
            }
        }
    }
}
