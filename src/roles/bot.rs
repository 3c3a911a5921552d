//! The messenger bots: `groupbuy bot telegram|vk`, and what the API process (`groupbuy api`,
//! `groupbuy all`) adds for them: the Telegram webhook, or polling, or, without a token, the
//! fake Telegram with the playground page.

use std::sync::Arc;

use bots::fake::telegram::{FakeTelegram, FakeTelegramServer};
use bots::outbound::Limiter;
use bots::runtime::{Answer, Event, Incoming, Outgoing};
use bots::telegram::{ChatQueues, Handler, TelegramTransport};
use poem::Route;

use crate::config::Settings;

/// The token `groupbuy all` gives the fake Telegram (and its bot) when `TELEGRAM_TOKEN` is unset.
const DEV_TOKEN: &str = "100000:groupbuy-dev-token";

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
            let telegram = Telegram::connect(settings, token, &settings.telegram.api_url).await?;
            tokio::select! {
                polled = telegram.poll() => polled,
                _ = super::shutdown_signal() => Ok(()),
            }
        }
        // The VK adapter (bots::vk) plugs in here.
        "vk" => anyhow::bail!("the VK bot is not available yet"),
        other => anyhow::bail!("unknown bot platform '{other}': telegram or vk"),
    }
}

/// One Telegram bot: its client (behind the shared limiter) and its per-chat queues.
pub struct Telegram {
    transport: TelegramTransport,
    queues: ChatQueues,
}

impl Telegram {
    pub async fn connect(settings: &Settings, token: &str, api_url: &str) -> anyhow::Result<Self> {
        let bot = bots::telegram::bot(token, api_url).map_err(anyhow::Error::msg)?;
        let redis = workers::storage::connect(&settings.redis_url).await?;
        let transport = TelegramTransport::new(bot, Limiter::new(redis, settings.queue_namespace.clone()));
        let queues = ChatQueues::new(conversation(), Arc::new(transport.clone()));
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
    pub background: Option<tokio::task::JoinHandle<()>>,
    pub fake: Option<FakeTelegramServer>,
}

/// How much of the bot an API process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InApi {
    /// `groupbuy all`: the bot whichever way it is configured, or the fake without a token.
    Everything,
    /// `groupbuy api`: the webhook only.
    WebhookOnly,
}

pub async fn telegram_in_api(settings: &Settings, mode: InApi) -> anyhow::Result<TelegramInApi> {
    let mut routes = Route::new();
    let nothing = || TelegramInApi { routes: Route::new(), background: None, fake: None };
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
    let telegram = Telegram::connect(settings, &token, &api_url).await?;
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
    Ok(TelegramInApi { routes, background: Some(background), fake })
}

/// What answers the bots' updates.
// The conversation engine (bots::runtime::Conversation) replaces this when it is merged;
// until then the bot answers from the core alone: /help, and a hint for everything else.
fn conversation() -> Arc<dyn Handler> {
    Arc::new(CoreHints)
}

struct CoreHints;

#[async_trait::async_trait]
impl Handler for CoreHints {
    async fn handle(&self, incoming: Incoming) -> Answer {
        let lang = bots::Lang::from_code(incoming.from.language_code.as_deref());
        let text = match &incoming.event {
            Event::Text(text) if text.trim_start().starts_with("/help") => bots::texts::common::help(lang),
            _ => bots::texts::common::unknown_input(lang).to_string(),
        };
        let ack = match &incoming.event {
            Event::Callback { query_id, .. } => Some(bots::runtime::CallbackAck {
                query_id: query_id.clone(),
                chat_id: incoming.chat_id,
                platform_user_id: incoming.from.platform_user_id.clone(),
                notice: None,
            }),
            Event::Text(_) => None,
        };
        let reply = bots::Reply::text(text);
        Answer { ack, messages: vec![Outgoing { chat_id: incoming.chat_id, reply, edit_message_id: None }] }
    }
}
