//! Bots Long Poll: `groups.getLongPollServer`, then `a_check` requests that each wait up to
//! 25 s for updates, following VK's `failed` rules so no update is skipped or seen twice.

use std::sync::Arc;
use std::time::Duration;

use super::claims::EventClaims;
use super::client::{Check, LONG_POLL_WAIT_SECS, LongPollServer, VkClient};
use super::dispatch::{Dispatcher, Handler};
use super::error::VkError;
use super::updates;
use crate::runtime::SendError;

/// How long to wait before asking again after VK could not be reached.
const RECONNECT: Duration = Duration::from_secs(2);

/// Receives updates until `shutdown` resolves, answering each through `handler`; then lets
/// the updates already received be answered and returns. Fails only when VK refuses the
/// long-poll server itself (a wrong token or group, Bots Long Poll switched off).
pub async fn run_long_poll(
    client: Arc<VkClient>,
    handler: Arc<dyn Handler>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), VkError> {
    run_long_poll_claiming(client, handler, None, shutdown).await
}

/// [`run_long_poll`] for one of several processes polling the same community: each update is
/// answered by the process that claims it first.
pub async fn run_long_poll_claiming(
    client: Arc<VkClient>,
    handler: Arc<dyn Handler>,
    claims: Option<EventClaims>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), VkError> {
    let dispatcher = Dispatcher::start(client.clone(), handler, claims);
    tokio::pin!(shutdown);
    let outcome = tokio::select! {
        _ = &mut shutdown => Ok(()),
        refused = poll(&client, &dispatcher) => refused,
    };
    dispatcher.finish().await;
    outcome
}

/// The long-poll loop proper; it ends only with a refusal (VK's failures are retried).
async fn poll(client: &VkClient, dispatcher: &Dispatcher) -> Result<(), VkError> {
    let mut server = fresh_server(client).await?;
    loop {
        match client.check(&server, LONG_POLL_WAIT_SECS).await {
            Ok(Check::Updates { ts, updates }) => {
                for update in &updates {
                    match updates::parse(update) {
                        Some(update) => dispatcher.push(update),
                        None => tracing::debug!(%update, "VK update not for the bot"),
                    }
                }
                server.ts = ts;
            }
            // The history is partly lost or outdated: go on from VK's ts.
            Ok(Check::Failed { code: 1, ts: Some(ts) }) => server.ts = ts,
            // The key expired: a new key and server, but the same ts (nothing is lost).
            Ok(Check::Failed { code: 2, .. }) => {
                let renewed = fresh_server(client).await?;
                server = LongPollServer { ts: server.ts, ..renewed };
            }
            // The information is lost: start over from VK's current ts.
            Ok(Check::Failed { code, ts }) => {
                tracing::warn!(code, ?ts, "VK long poll failed; asking for a new server");
                server = fresh_server(client).await?;
            }
            Err(error) => {
                tracing::warn!(%error, "VK long poll unreachable; retrying");
                tokio::time::sleep(RECONNECT).await;
            }
        }
    }
}

/// `groups.getLongPollServer`, retried while VK is unreachable or busy.
async fn fresh_server(client: &VkClient) -> Result<LongPollServer, VkError> {
    loop {
        match client.long_poll_server().await {
            Ok(server) => return Ok(server),
            Err(error) if matches!(SendError::from(error.clone()), SendError::Refused(_)) => return Err(error),
            Err(error) => {
                tracing::warn!(%error, "VK: no long-poll server; retrying");
                tokio::time::sleep(RECONNECT).await;
            }
        }
    }
}
