//! Long polling (`getUpdates`), the default way to receive updates. An update is confirmed by
//! the next request's offset once it is queued for its chat.

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

/// Checks the token (`getMe`), removes any webhook (the two modes exclude each other), then
/// polls until the task is dropped. Fails only when the token is refused at the start.
pub async fn run_polling(bot: Bot, queues: ChatQueues) -> Result<(), RequestError> {
    let me = bot.get_me().await?;
    tracing::info!(username = ?me.user.username, "telegram bot polling for updates");
    bot.delete_webhook().await?;
    let mut offset: i32 = 0;
    loop {
        let polled = bot.get_updates().offset(offset).timeout(LONG_POLL.as_secs() as u32).await;
        match polled {
            Ok(updates) => {
                for update in updates {
                    offset = offset.max(update.id.0 as i32 + 1);
                    if let Some(incoming) = incoming(&update) {
                        queues.push(format!("telegram:{}", update.id.0), incoming);
                    }
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
