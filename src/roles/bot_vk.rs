//! `groupbuy bot vk`: the VK community bot. With `VK_TOKEN` it speaks to VK (`VK_API_URL`,
//! community `VK_GROUP_ID`); without, to a fake VK API it starts on `VK_FAKE_ADDR`, so the bot
//! can be tried locally. Updates arrive by Bots Long Poll unless the Callback API is configured
//! (`VK_CALLBACK_CONFIRMATION` and `VK_CALLBACK_SECRET`), whose endpoint the API process mounts.

use std::sync::Arc;

use bots::fake::vk::{FAKE_GROUP_ID, FakeVkServer};
use bots::vk::callback_api::CallbackConfig;
use bots::vk::{EventClaims, Handler, VkClient, VkConfig};

use crate::config::Settings;

/// What the fake takes as a token (it accepts any).
const FAKE_TOKEN: &str = "fake-vk-token";

/// The VK client these settings describe, and the fake it talks to when there is no token
/// (keep it: dropping the handle leaves it serving, [`FakeVkServer::shutdown`] stops it).
pub async fn connect(settings: &Settings) -> anyhow::Result<(Arc<VkClient>, Option<FakeVkServer>)> {
    let vk = &settings.vk;
    match &settings.vk_token {
        Some(token) => {
            let group_id = vk.group_id.ok_or_else(|| anyhow::anyhow!("VK_TOKEN is set: set VK_GROUP_ID too"))?;
            let config = VkConfig { api_url: vk.api_url.clone(), token: token.clone(), group_id };
            Ok((Arc::new(VkClient::new(config)), None))
        }
        None => {
            let fake = bots::fake::vk::serve(&vk.fake_addr).await?;
            tracing::info!(api = %fake.api_url(), "VK_TOKEN is unset: the VK bot talks to a fake VK API");
            let config = VkConfig { api_url: fake.api_url(), token: FAKE_TOKEN.into(), group_id: FAKE_GROUP_ID };
            Ok((Arc::new(VkClient::new(config)), Some(fake)))
        }
    }
}

/// The Callback API's settings, when both its strings are set (the API process then mounts
/// [`bots::vk::callback_api::endpoint`] and no long poll runs).
pub fn callback_config(settings: &Settings, client: &VkClient) -> Option<CallbackConfig> {
    let vk = &settings.vk;
    Some(CallbackConfig {
        group_id: client.group_id(),
        confirmation: vk.callback_confirmation.clone()?,
        secret: vk.callback_secret.clone()?,
    })
}

/// Where updates are claimed, so several bot processes (and VK's repeats) answer each once.
pub async fn claims(settings: &Settings) -> anyhow::Result<EventClaims> {
    let redis = redis::aio::ConnectionManager::new(redis::Client::open(settings.redis_url.as_str())?).await?;
    Ok(EventClaims::new(redis, settings.queue_namespace.clone()))
}

/// Answers VK updates through `handler` until the process is asked to stop: by Bots Long Poll,
/// or, in Callback API mode, by waiting while the API process receives them.
pub async fn run(settings: &Settings, client: Arc<VkClient>, handler: Arc<dyn Handler>) -> anyhow::Result<()> {
    if callback_config(settings, &client).is_some() {
        tracing::info!("VK Callback API configured: the API process receives VK's events; no long poll");
        super::shutdown_signal().await;
        return Ok(());
    }
    tracing::info!(group_id = client.group_id(), "VK bot: Bots Long Poll");
    let claims = claims(settings).await?;
    bots::vk::run_long_poll_claiming(client, handler, Some(claims), super::shutdown_signal()).await?;
    Ok(())
}
