//! What answers an update: the conversation, for every adapter (tests put an echo in its place).

use super::conversation::Conversation;
use super::{Answer, Incoming};

#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    async fn handle(&self, incoming: Incoming) -> Answer;
}

#[async_trait::async_trait]
impl Handler for Conversation {
    async fn handle(&self, incoming: Incoming) -> Answer {
        Conversation::handle(self, incoming).await
    }
}
