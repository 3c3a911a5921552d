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

/// What an API process runs for VK, by configuration:
/// - Callback API settings: the endpoint at [`CALLBACK_PATH`] (in `api` and `all`);
/// - a token alone, in `all`: Bots Long Poll in the background;
/// - no token, in `all`: the fake VK API on `VK_FAKE_ADDR`, the bot long-polling it.
pub struct VkInApi {
    /// The Callback API's endpoint, when configured.
    callback: Option<poem::endpoint::BoxEndpoint<'static>>,
    /// The bot's client, for the workers' messages.
    pub client: Option<Arc<VkClient>>,
    pub background: Option<tokio::task::JoinHandle<()>>,
    pub fake: Option<FakeVkServer>,
}

/// Where the API process receives VK's Callback API events.
pub const CALLBACK_PATH: &str = "/bot/vk/callback";

pub async fn vk_in_api(
    settings: &Settings,
    mode: super::bot::InApi,
    handler: Arc<dyn Handler>,
) -> anyhow::Result<VkInApi> {
    let nothing = || VkInApi { callback: None, client: None, background: None, fake: None };
    let everything = mode == super::bot::InApi::Everything;
    if settings.vk_token.is_none() && !everything {
        return Ok(nothing());
    }
    let (client, fake) = match connect(settings).await {
        Ok(connected) => connected,
        // The fake is a convenience: a busy port costs the bot, not the rest of `all`.
        Err(error) if settings.vk_token.is_none() => {
            tracing::error!(%error, addr = %settings.vk.fake_addr, "the fake VK API cannot listen (VK_FAKE_ADDR); no VK bot runs");
            return Ok(nothing());
        }
        Err(error) => return Err(error),
    };
    if let Some(config) = callback_config(settings, &client) {
        let endpoint = bots::vk::callback_api::endpoint(config, client.clone(), handler, claims(settings).await?);
        let callback = Some(poem::EndpointExt::boxed(poem::EndpointExt::map_to_response(endpoint)));
        return Ok(VkInApi { callback, client: Some(client), background: None, fake });
    }
    if !everything {
        return Ok(nothing()); // long polling is `groupbuy bot vk`'s
    }
    let claims = claims(settings).await?;
    let polling = client.clone();
    let background = tokio::spawn(async move {
        let forever = std::future::pending::<()>();
        if let Err(error) = bots::vk::run_long_poll_claiming(polling, handler, Some(claims), forever).await {
            tracing::error!(%error, "vk bot stopped");
        }
    });
    Ok(VkInApi { callback: None, client: Some(client), background: Some(background), fake })
}

impl VkInApi {
    /// `routes` with the Callback API's endpoint added, when there is one.
    pub fn mount(&mut self, routes: poem::Route) -> poem::Route {
        match self.callback.take() {
            Some(endpoint) => routes.at(CALLBACK_PATH, endpoint),
            None => routes,
        }
    }
}
