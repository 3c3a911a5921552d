//! The HTTP API, alone or with everything else in one process.

use super::bot::{BotContext, InApi};
use crate::config::Settings;
use api::AppState;
use api::auth::AuthConfig;
use poem::{EndpointExt, Server};
use std::sync::Arc;
use std::time::Duration;
use workflows::db;

pub async fn api(settings: &Settings) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, settings.api_pool_size).await?;
    let bank = super::bank::bank_client(settings).await?;
    // Only the webhooks: polling is `groupbuy bot …`'s (two pollers would conflict).
    let context =
        BotContext { pool: pool.clone(), pay_into: super::bank::pay_into(settings, None), bank: Some(bank.clone()) };
    let handler = context.conversation(settings).await?;
    let telegram = super::bot::telegram_in_api(settings, InApi::WebhookOnly, handler.clone()).await?;
    let mut vk = super::bot_vk::vk_in_api(settings, InApi::WebhookOnly, handler).await?;
    let mini_app = telegram.mini_app_token(settings);
    serve(settings, app_state(settings, pool, bank, None, mini_app).await?, vk.mount(telegram.routes)).await
}

/// The chat WebSockets alone (`/ws/…` and `/health`), for a deployment that runs them apart
/// from the REST API; any number of them share the fan-out through Redis.
pub async fn chat(settings: &Settings) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, settings.api_pool_size).await?;
    let bank = super::bank::bank_client(settings).await?;
    let state = app_state(settings, pool, bank, None, None).await?;
    tracing::info!(addr = %settings.http_addr, "chat sockets listening at /ws/");
    listen(settings, api::chat_app(state)).await
}

/// Everything in one process: migrations, demo data (unless `DEMO_DATA=false`), the scheduler's
/// cron schedules, the outbox relay with worker pools for every queue, and the API.
pub async fn all(settings: &Settings) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, settings.api_pool_size).await?;
    if settings.demo_data {
        let organizer = workflows::demo::seed(&pool).await?;
        tracing::info!(organizer, "demo data in place");
    }
    let sweeps = tokio::spawn(scheduler::run(pool.clone(), scheduler::schedules(&settings.cron)?));
    let (bank, sandbox) = super::bank::connect_bank(settings).await?;
    // Kept until the process ends: the bots' polling tasks and, without tokens, the fakes.
    let context = BotContext {
        pool: pool.clone(),
        pay_into: super::bank::pay_into(settings, sandbox.as_ref()),
        bank: Some(bank.clone()),
    };
    let handler = context.conversation(settings).await?;
    let telegram = super::bot::telegram_in_api(settings, InApi::Everything, handler.clone()).await?;
    let mut vk = super::bot_vk::vk_in_api(settings, InApi::Everything, handler).await?;
    let mini_app = telegram.mini_app_token(settings);
    let routes = vk.mount(telegram.routes);
    let mut messengers = bots::outbound::Messengers::new();
    if let Some(transport) = telegram.transport.clone() {
        messengers = messengers.with_telegram(transport);
    }
    if let Some(client) = vk.client.clone() {
        messengers = messengers.with_vk(client);
    }
    let config = super::worker::pool_config(settings, workers::Queue::ALL.to_vec(), 8);
    let jobs = workers::runtime::run_with_messenger(
        pool.clone(),
        bank.clone(),
        Arc::new(messengers),
        &settings.redis_url,
        config,
        super::shutdown_signal(),
    );
    tokio::pin!(jobs);
    // Dead pools end the process (so a supervisor restarts it); on a signal, the API stops
    // first and the pools then finish their in-flight jobs.
    let result = tokio::select! {
        served = serve(settings, app_state(settings, pool, bank, sandbox.as_ref(), mini_app).await?, routes) => {
            served.and(jobs.await.map_err(anyhow::Error::from))
        }
        stopped = &mut jobs => stopped.map_err(anyhow::Error::from),
    };
    sweeps.abort();
    if let Some(polling) = telegram.background {
        polling.abort();
    }
    if let Some(fake) = telegram.fake {
        fake.shutdown().await;
    }
    if let Some(polling) = vk.background {
        polling.abort();
    }
    if let Some(fake) = vk.fake {
        fake.shutdown().await;
    }
    result
}

async fn app_state(
    settings: &Settings,
    pool: sqlx::PgPool,
    bank: Arc<dyn workflows::bank::Bank>,
    sandbox: Option<&sandbox::SandboxServer>,
    telegram_bot_token: Option<Arc<str>>,
) -> anyhow::Result<AppState> {
    if settings.service_api_keys.is_empty() {
        tracing::warn!("SERVICE_API_KEYS is not set: only user tokens and anonymous reads will work");
    }
    Ok(AppState {
        pool,
        auth: AuthConfig {
            jwt_secret: Arc::from(settings.jwt_secret.as_bytes()),
            service_keys: Arc::new(settings.service_api_keys.clone()),
            telegram_bot_token,
        },
        redis: Some(redis::Client::open(settings.redis_url.as_str())?),
        // Connects on first use and reconnects after: Redis down at start or restarted later
        // makes job views answer 503 until it is back, not for the life of the process.
        queues: Some(Arc::new(workers::admin::RedisQueueAdmin::new(
            workers::storage::connect_for_reads(&settings.redis_url)?,
            settings.queue_namespace.clone(),
        ))),
        admin_ui_dir: Some(settings.admin_ui_dir.clone()),
        webapp_dir: Some(settings.webapp_dir.clone()),
        media_dir: Some(settings.media_dir.clone()),
        pay_into: super::bank::pay_into(settings, sandbox),
        bank: Some(bank),
        webhook_key: match &settings.bank.webhook_public_key_path {
            Some(path) => Some(Arc::new(
                api::routes::webhook::decoding_key_from_file(path)
                    .map_err(|e| anyhow::anyhow!("TOCHKA_WEBHOOK_PUBLIC_KEY_PATH: {e}"))?,
            )),
            None => None,
        },
        clients: std::sync::Arc::new(api::clients::Clients {
            trusted_proxies: settings.trusted_proxies.clone(),
            credentials: api::clients::Limiter::new(settings.auth_rate_limit),
        }),
        chat: api::chat::Chat::start(&settings.redis_url, &settings.queue_namespace, api::chat::ChatConfig::default())
            .await?,
    })
}

/// The API, with the bots' routes (webhook, playground) in front of it.
async fn serve(settings: &Settings, state: AppState, bots: poem::Route) -> anyhow::Result<()> {
    tracing::info!(addr = %settings.http_addr, "API listening; docs at /api/docs/");
    let cors = api::cors::Cors::new(settings.cors_origins.iter().cloned());
    // The bots' pages get the same headers as the API's.
    let redis = redis::Client::open(settings.redis_url.as_str())?;
    let cache = api::public_cache::PublicCache::new(settings.public_cache, &redis, &settings.queue_namespace)?;
    let endpoint = bots.nest("/", api::app_with(state, cors, cache)).with(api::security_headers::SecurityHeaders);
    listen(settings, endpoint).await
}

async fn listen(settings: &Settings, endpoint: impl poem::Endpoint + 'static) -> anyhow::Result<()> {
    let acceptor = api::listener::bind(&settings.http_addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} (HTTP_ADDR): {e}", settings.http_addr))?;
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(endpoint, super::shutdown_signal(), Some(Duration::from_secs(10)))
        .await?;
    Ok(())
}
