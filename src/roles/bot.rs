//! The messenger bots: `groupbuy bot telegram|vk`, and what the API process (`groupbuy api`,
//! `groupbuy all`) adds for them: the Telegram webhook, or polling, or, without a token, the
//! fake Telegram with the playground page.

use std::sync::Arc;

use bots::fake::telegram::{FakeTelegram, FakeTelegramServer};
use bots::outbound::{Limiter, Messengers};
use bots::runtime::{Conversation, ConversationSettings, Handler};
use bots::telegram::{ChatQueues, TelegramTransport};
use poem::Route;
use sqlx::PgPool;
use workflows::bank::Bank;
use workflows::payments::PayInto;

use crate::config::Settings;

/// The token `groupbuy all` gives the fake Telegram (and its bot) when `TELEGRAM_TOKEN` is unset.
const DEV_TOKEN: &str = "100000:groupbuy-dev-token";

/// What the bots' conversation needs from the process it runs in.
pub struct BotContext {
    pub pool: PgPool,
    pub pay_into: PayInto,
    pub bank: Option<Arc<dyn Bank>>,
}

impl BotContext {
    /// For a process of its own (`groupbuy bot …`): a small pool and the configured bank.
    async fn standalone(settings: &Settings) -> anyhow::Result<Self> {
        let pool = workflows::db::prepare(&settings.database_url, BOT_POOL_SIZE).await?;
        let bank = super::bank::bank_client(settings).await?;
        Ok(BotContext { pool, pay_into: super::bank::pay_into(settings, None), bank: Some(bank) })
    }

    /// The conversation every adapter of this process hands its updates to.
    pub async fn conversation(&self, settings: &Settings) -> anyhow::Result<Arc<dyn Handler>> {
        let redis = workers::storage::connect(&settings.redis_url).await?;
        let mut config = ConversationSettings::new(
            settings.queue_namespace.clone(),
            settings.public_url.clone(),
            self.pay_into.clone(),
        );
        config.bank = self.bank.clone();
        Ok(Arc::new(Conversation::new(self.pool.clone(), redis, config)))
    }
}

/// Connections of a bot process: the conversation's queries are short.
const BOT_POOL_SIZE: u32 = 8;

/// `groupbuy bot <platform>`.
pub async fn run(settings: &Settings, platform: &str) -> anyhow::Result<()> {
    match platform {
        "telegram" => {
            let token = settings.telegram_token.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "TELEGRAM_TOKEN is not set (without it, `groupbuy all` runs the bot against a local fake)"
                )
            })?;
            if settings.telegram.webhook_url.is_some() {
                anyhow::bail!(
                    "TELEGRAM_WEBHOOK_URL is set: in webhook mode the API process (`groupbuy api` or `groupbuy all`) receives the updates"
                );
            }
            let handler = BotContext::standalone(settings).await?.conversation(settings).await?;
            let telegram = Telegram::connect(settings, token, &settings.telegram.api_url, handler).await?;
            tokio::select! {
                polled = telegram.poll() => polled,
                _ = super::shutdown_signal() => Ok(()),
            }
        }
        "vk" => {
            if settings.vk_token.is_none() {
                anyhow::bail!("VK_TOKEN is not set (without it, `groupbuy all` runs the bot against a local fake)");
            }
            let handler = BotContext::standalone(settings).await?.conversation(settings).await?;
            let (client, _fake) = super::bot_vk::connect(settings).await?;
            super::bot_vk::run(settings, client, handler).await
        }
        other => anyhow::bail!("unknown bot platform '{other}': telegram or vk"),
    }
}

/// One Telegram bot: its client (behind the shared limiter) and its per-chat queues.
pub struct Telegram {
    transport: TelegramTransport,
    queues: ChatQueues,
}

impl Telegram {
    pub async fn connect(
        settings: &Settings,
        token: &str,
        api_url: &str,
        handler: Arc<dyn Handler>,
    ) -> anyhow::Result<Self> {
        let transport = telegram_transport(settings, token, api_url).await?;
        // Not a reason to stop the bot: without the menu button the login links still work.
        let (bot, base) = (transport.bot().clone(), settings.public_url.clone());
        tokio::spawn(async move {
            match bots::telegram::offer_cabinet(&bot, &base).await {
                Ok(true) => tracing::info!(%base, "the chat menu button opens the cabinet as a Mini App"),
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "the chat menu button is not set; login links still work"),
            }
        });
        let queues = ChatQueues::new(handler, Arc::new(transport.clone()));
        Ok(Telegram { transport, queues })
    }

    /// Long polling until the process stops; fails when Telegram refuses the token.
    pub async fn poll(self) -> anyhow::Result<()> {
        bots::telegram::run_polling(self.transport.bot().clone(), self.queues).await?;
        Ok(())
    }
}

/// What the API process runs for Telegram, by configuration:
/// - a token and `TELEGRAM_WEBHOOK_URL`: the webhook at that URL's path, registered on start;
/// - a token alone: polling in the background;
/// - no token, in `all`: the fake Telegram on `TELEGRAM_FAKE_ADDR`, the bot
///   polling it, and the playground at `/bot-playground/`.
pub struct TelegramInApi {
    pub routes: Route,
    /// The bot's client behind the shared limiter, for the workers' messages.
    pub transport: Option<TelegramTransport>,
    pub background: Option<tokio::task::JoinHandle<()>>,
    pub fake: Option<FakeTelegramServer>,
}

impl TelegramInApi {
    /// The token that signs Mini App sign-ins in this process: the real bot's, or the fake's
    /// when the fake Telegram stands in for it.
    pub fn mini_app_token(&self, settings: &Settings) -> Option<Arc<str>> {
        settings.telegram_token.as_deref().or(self.fake.as_ref().map(|_| DEV_TOKEN)).map(Arc::from)
    }
}

/// How much of the bot an API process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InApi {
    /// `groupbuy all`: the bot whichever way it is configured, or the fake without a token.
    Everything,
    /// `groupbuy api`: the webhook only.
    WebhookOnly,
}

pub async fn telegram_in_api(
    settings: &Settings,
    mode: InApi,
    handler: Arc<dyn Handler>,
) -> anyhow::Result<TelegramInApi> {
    let mut routes = Route::new();
    let nothing = || TelegramInApi { routes: Route::new(), transport: None, background: None, fake: None };
    if mode == InApi::WebhookOnly && settings.telegram.webhook_url.is_none() {
        return Ok(nothing());
    }
    let (token, api_url, fake) = match &settings.telegram_token {
        Some(token) => (token.clone(), settings.telegram.api_url.clone(), None),
        None if mode == InApi::Everything => {
            // The fake is a convenience: a busy port costs the bot, not the rest of `all`.
            let server = match FakeTelegram::new(DEV_TOKEN).serve(&settings.telegram.fake_addr).await {
                Ok(server) => server,
                Err(error) => {
                    let addr = &settings.telegram.fake_addr;
                    tracing::error!(%error, %addr, "the fake Telegram cannot listen (TELEGRAM_FAKE_ADDR); no bot runs");
                    return Ok(nothing());
                }
            };
            routes = routes.nest("/bot-playground", bots::playground::endpoint(server.fake().clone()));
            tracing::info!(fake = %server.url(), "no TELEGRAM_TOKEN: the bot talks to a local fake Telegram; try it at /bot-playground/");
            (DEV_TOKEN.to_string(), server.url(), Some(server))
        }
        None => return Ok(nothing()),
    };
    let telegram = Telegram::connect(settings, &token, &api_url, handler).await?;
    let transport = Some(telegram.transport.clone());
    let background = match (&settings.telegram.webhook_url, &fake) {
        (Some(url), None) => {
            let path = reqwest::Url::parse(url).map_err(|e| anyhow::anyhow!("TELEGRAM_WEBHOOK_URL '{url}': {e}"))?;
            let secret = settings.telegram.webhook_secret.clone();
            routes = routes.at(path.path(), bots::telegram::webhook::endpoint(secret.clone(), telegram.queues.clone()));
            let (bot, url) = (telegram.transport.bot().clone(), url.clone());
            tokio::spawn(async move {
                match bots::telegram::webhook::register(&bot, &url, secret.as_deref()).await {
                    Ok(()) => tracing::info!(%url, "telegram webhook registered"),
                    Err(error) => tracing::error!(%error, "telegram webhook not registered; updates will not arrive"),
                }
            })
        }
        _ => tokio::spawn(async move {
            if let Err(error) = telegram.poll().await {
                tracing::error!(%error, "telegram bot stopped");
            }
        }),
    };
    Ok(TelegramInApi { routes, transport, background: Some(background), fake })
}

/// How the worker pools of a process without the bots' adapters write to messengers: through
/// the same clients and shared limiter, for each platform whose token is set.
pub async fn workers_messenger(settings: &Settings) -> anyhow::Result<Arc<dyn workflows::messenger::Messenger>> {
    let mut messengers = Messengers::new();
    if let Some(token) = &settings.telegram_token {
        messengers = messengers.with_telegram(telegram_transport(settings, token, &settings.telegram.api_url).await?);
    }
    if settings.vk_token.is_some() {
        let (client, _) = super::bot_vk::connect(settings).await?;
        messengers = messengers.with_vk(client);
    }
    Ok(Arc::new(messengers))
}

/// The bot's client behind the limiter every process shares.
async fn telegram_transport(settings: &Settings, token: &str, api_url: &str) -> anyhow::Result<TelegramTransport> {
    let bot = bots::telegram::bot(token, api_url).map_err(anyhow::Error::msg)?;
    let redis = workers::storage::connect(&settings.redis_url).await?;
    Ok(TelegramTransport::new(bot, Limiter::new(redis, settings.queue_namespace.clone())))
}
