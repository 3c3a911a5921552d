//! Everything the bot sends goes out through here: a rate limiter shared by every process
//! through Redis, the messenger's `retry_after` honoured, and the `workflows` [`Messenger`]
//! port (notifications, broadcasts) over the adapters' transports.
//!
//! [`Messenger`]: workflows::messenger::Messenger

mod limiter;
mod messenger;

pub use limiter::{Limiter, Limits};
pub use messenger::Messengers;

use std::future::Future;
use std::time::Duration;

use crate::runtime::SendError;

/// How often one message is retried in place after the messenger's 429 before the caller gets
/// [`SendError::RetryAfter`] to reschedule (a durable job) or give up (a reply).
pub const RETRIES_IN_PLACE: usize = 5;

/// A longer `retry_after` than this is the caller's to schedule, not ours to sleep through.
pub const LONGEST_WAIT_IN_PLACE: Duration = Duration::from_secs(60);

/// Runs `attempt` (which asks the limiter, then sends) again after each `RetryAfter`. Only a
/// refusal is retried: the messenger did not take the message, so nothing is sent twice.
pub async fn with_retry_after<T, F, Fut>(mut attempt: F) -> Result<T, SendError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SendError>>,
{
    let mut retries = 0;
    loop {
        match attempt().await {
            Err(SendError::RetryAfter(wait)) if retries < RETRIES_IN_PLACE && wait <= LONGEST_WAIT_IN_PLACE => {
                retries += 1;
                tracing::info!(?wait, retries, "the messenger asked to slow down; retrying after its delay");
                tokio::time::sleep(wait).await;
            }
            other => return other,
        }
    }
}
