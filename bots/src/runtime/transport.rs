//! How an adapter puts an [`Answer`](super::Answer) on its platform. Every send goes through
//! the limiter shared by all processes; a [`SendError::RetryAfter`] is honoured, not dropped.

use super::{CallbackAck, Outgoing, Platform, SendError};

#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    fn platform(&self) -> Platform;

    /// Sends (or edits, see [`Outgoing::edit_message_id`]) one message; returns its id.
    /// `key` is unique per message meant to be sent once (VK derives `random_id` from it).
    async fn deliver(&self, message: &Outgoing, key: &str) -> Result<i64, SendError>;

    /// Answers a button press (stops the client's spinner, shows the notice if any).
    async fn acknowledge(&self, ack: &CallbackAck) -> Result<(), SendError>;
}
