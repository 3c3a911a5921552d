//! Configuration from the environment (and a `.env` file), with defaults that work on a
//! developer machine so `groupbuy all` needs none.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use workflows::bank::LegalEntityBeneficiary;
use workflows::queue::CronSchedule;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub redis_url: String,
    pub http_addr: String,
    /// Where people reach the web app (`PUBLIC_URL`): the bots' login links point here.
    pub public_url: String,
    pub jwt_secret: String,
    pub service_api_keys: HashSet<String>,
    pub telegram_token: Option<String>,
    /// The rest of the Telegram bot's settings (`TELEGRAM_*`).
    pub telegram: TelegramSettings,
    pub vk_token: Option<String>,
    /// `VK_*` besides the token: the community, the API base, the Callback API's strings.
    pub vk: VkSettings,
    /// Prefix of every Redis queue key, so installations can share a Redis.
    pub queue_namespace: String,
    /// Runs of a failing job (first run and retries with back-off) before it is dead-lettered.
    pub job_max_attempts: usize,
    /// Where the built admin app lives, served at `/admin-panel/`.
    /// Origins (`https://shop.example`) whose pages may call the API from a browser
    /// (`CORS_ORIGINS`, comma-separated); none: only same-origin pages.
    pub cors_origins: Vec<String>,
    pub admin_ui_dir: PathBuf,
    /// Where the built web cabinet lives, served at `/`.
    pub webapp_dir: PathBuf,
    /// The proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`: addresses or
    /// CIDR ranges, comma-separated; none by default).
    pub trusted_proxies: api::clients::TrustedProxies,
    /// Requests per client per minute to the endpoints that hand out sessions and tokens
    /// (`AUTH_RATE_LIMIT`, 60 by default).
    pub auth_rate_limit: u32,
    /// Where chat attachments are stored, served at `/media/`.
    pub media_dir: PathBuf,
    /// PostgreSQL connections of a process that serves the API (`API_POOL_SIZE`, 48 by default).
    pub api_pool_size: u32,
    /// How long catalogue answers (list, search, detail) may be kept
    /// (`PUBLIC_CACHE_MS`, 5000 by default; 0 turns the cache off).
    pub public_cache: std::time::Duration,
    /// Tochka Cyclops, or the built-in sandbox bank when `TOCHKA_API_URL` is unset.
    pub bank: BankSettings,
    /// `GROUPBUY_CRON_<NAME>`: cron expressions overriding the sweeps' defaults.
    pub cron: HashMap<CronSchedule, String>,
    /// `HOSTNAME`: names this host in worker names.
    pub hostname: Option<String>,
    /// `DEMO_DATA`: `false` or `0` stops `groupbuy all` from seeding demo data.
    pub demo_data: bool,
    /// `GROUPBUY_FAILPOINTS`: fault injection for tests that kill processes (never in production).
    pub failpoints: Option<String>,
}

/// The VK community bot (`VK_TOKEN` is [`Settings::vk_token`]).
#[derive(Debug, Clone)]
pub struct VkSettings {
    /// `VK_GROUP_ID`: the community's id (required with `VK_TOKEN`; the fake's without it).
    pub group_id: Option<i64>,
    /// `VK_API_URL`: the API base up to `/method` (default VK's own).
    pub api_url: String,
    /// `VK_CALLBACK_CONFIRMATION` and `VK_CALLBACK_SECRET`: both set switch the Callback API on
    /// (the API process answers VK's POSTs) instead of Bots Long Poll.
    pub callback_confirmation: Option<String>,
    pub callback_secret: Option<String>,
    /// `VK_FAKE_ADDR`: where the fake VK API listens when there is no token.
    pub fake_addr: String,
}

impl VkSettings {
    fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            group_id: match var("VK_GROUP_ID") {
                Some(id) => Some(
                    id.parse()
                        .ok()
                        .filter(|id: &i64| *id > 0)
                        .ok_or_else(|| anyhow::anyhow!("VK_GROUP_ID must be the community's numeric id, not '{id}'"))?,
                ),
                None => None,
            },
            api_url: var("VK_API_URL").unwrap_or_else(|| bots::vk::DEFAULT_API_URL.into()),
            callback_confirmation: var("VK_CALLBACK_CONFIRMATION"),
            callback_secret: var("VK_CALLBACK_SECRET"),
            fake_addr: var("VK_FAKE_ADDR").unwrap_or_else(|| bots::fake::vk::DEFAULT_ADDR.into()),
        })
    }
}

/// The bank: Tochka's Cyclops (`TOCHKA_*`) or, without `TOCHKA_API_URL`, the sandbox bank.
#[derive(Debug, Clone)]
pub struct BankSettings {
    /// `TOCHKA_API_URL`: the API root up to `/api/v1`, e.g. `https://pre.tochka.com/api/v1`.
    pub api_url: Option<String>,
    /// `TOCHKA_PLATFORM_ID`: the `sign-system` Tochka issued.
    pub platform_id: String,
    /// `TOCHKA_THUMBPRINT`: the key's thumbprint Tochka issued (default: sha1 of the public key).
    pub thumbprint: Option<String>,
    /// `TOCHKA_PRIVATE_KEY_PATH`: the platform's RSA private key (PKCS#8 PEM).
    pub private_key_path: Option<PathBuf>,
    /// `TOCHKA_NOMINAL_ACCOUNT` and `TOCHKA_NOMINAL_BIC`: where buyers' money arrives.
    pub nominal_account: String,
    pub nominal_bic: String,
    /// `SANDBOX_BANK_ADDR`: where the sandbox bank listens.
    pub sandbox_addr: String,
    /// `TOCHKA_WEBHOOK_PUBLIC_KEY_PATH`: Tochka's public key (PEM, or the JWK it publishes) that
    /// signs its webhooks; without it the webhook endpoint answers 503.
    pub webhook_public_key_path: Option<PathBuf>,
    /// `TOCHKA_PLATFORM_INN`, `…_KPP`, `…_NAME`: the operator, beneficiary of the commission
    /// account (the defaults only suit the sandbox bank).
    pub operator: LegalEntityBeneficiary,
    /// `TOCHKA_BANK_NAME`, `TOCHKA_RECIPIENT_NAME`: how deposit requisites name the bank and the
    /// nominal account's holder.
    pub bank_name: String,
    pub recipient_name: String,
}

impl BankSettings {
    fn from_env() -> Self {
        Self {
            api_url: var("TOCHKA_API_URL"),
            platform_id: var("TOCHKA_PLATFORM_ID").unwrap_or_else(|| "groupbuy".into()),
            thumbprint: var("TOCHKA_THUMBPRINT"),
            private_key_path: var("TOCHKA_PRIVATE_KEY_PATH").map(PathBuf::from),
            // The `pre` layer's test nominal account and Tochka's BIC.
            nominal_account: var("TOCHKA_NOMINAL_ACCOUNT").unwrap_or_else(|| "40702810620000088278".into()),
            nominal_bic: var("TOCHKA_NOMINAL_BIC").unwrap_or_else(|| "044525104".into()),
            sandbox_addr: var("SANDBOX_BANK_ADDR").unwrap_or_else(|| "127.0.0.1:8090".into()),
            webhook_public_key_path: var("TOCHKA_WEBHOOK_PUBLIC_KEY_PATH").map(PathBuf::from),
            bank_name: var("TOCHKA_BANK_NAME").unwrap_or_else(|| "ООО «Банк Точка»".into()),
            recipient_name: var("TOCHKA_RECIPIENT_NAME").unwrap_or_else(|| "ООО «ГрупБай» (номинальный счёт)".into()),
            operator: {
                let sandbox = workflows::payments::sandbox_operator();
                LegalEntityBeneficiary {
                    inn: var("TOCHKA_PLATFORM_INN").unwrap_or(sandbox.inn),
                    name: var("TOCHKA_PLATFORM_NAME").unwrap_or(sandbox.name),
                    kpp: var("TOCHKA_PLATFORM_KPP").unwrap_or(sandbox.kpp),
                    ogrn: None,
                }
            },
        }
    }
}

/// The Telegram bot besides its token.
#[derive(Debug, Clone)]
pub struct TelegramSettings {
    /// `TELEGRAM_API_URL`: the Bot API base; requests go to `{base}/bot{token}/{method}`.
    pub api_url: String,
    /// `TELEGRAM_WEBHOOK_URL`: when set, Telegram POSTs updates there (served by the API
    /// process at this URL's path) instead of the bot polling for them.
    pub webhook_url: Option<String>,
    /// `TELEGRAM_WEBHOOK_SECRET`: what Telegram sends in `X-Telegram-Bot-Api-Secret-Token`;
    /// required with a webhook, so nobody else can post updates in a person's name.
    pub webhook_secret: Option<String>,
    /// `TELEGRAM_FAKE_ADDR`: where `groupbuy all` serves the fake Telegram without a token.
    pub fake_addr: String,
}

impl TelegramSettings {
    fn from_env() -> anyhow::Result<Self> {
        let settings = Self {
            api_url: var("TELEGRAM_API_URL").unwrap_or_else(|| "https://api.telegram.org".into()),
            webhook_url: var("TELEGRAM_WEBHOOK_URL"),
            webhook_secret: var("TELEGRAM_WEBHOOK_SECRET"),
            fake_addr: var("TELEGRAM_FAKE_ADDR").unwrap_or_else(|| "127.0.0.1:8081".into()),
        };
        if settings.webhook_url.is_some() && settings.webhook_secret.is_none() {
            anyhow::bail!("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (1–256 of A-Z, a-z, 0-9, _ and -)");
        }
        Ok(settings)
    }
}

/// `LOG_FORMAT=json`: JSON logs (production). Read before the rest, since logging starts first.
pub fn json_logs() -> bool {
    var("LOG_FORMAT").is_some_and(|f| f == "json")
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is normal; a broken one is not.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => anyhow::bail!("reading .env: {e}"),
        }
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/groupbuy".into()),
            redis_url: var("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
            public_url: var("PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{}", var("HTTP_ADDR").unwrap_or_else(|| "127.0.0.1:8000".into()))),
            http_addr: var("HTTP_ADDR").unwrap_or_else(|| "127.0.0.1:8000".into()),
            jwt_secret: match var("JWT_SECRET") {
                Some(secret) => secret,
                None => dev_secret()?,
            },
            service_api_keys: var("SERVICE_API_KEYS")
                .map(|keys| keys.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect())
                .unwrap_or_default(),
            telegram_token: var("TELEGRAM_TOKEN"),
            telegram: TelegramSettings::from_env()?,
            vk_token: var("VK_TOKEN"),
            vk: VkSettings::from_env()?,
            queue_namespace: var("QUEUE_NAMESPACE").unwrap_or_else(|| "groupbuy".into()),
            job_max_attempts: match var("JOB_MAX_ATTEMPTS") {
                Some(n) => n
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| anyhow::anyhow!("JOB_MAX_ATTEMPTS must be a whole number ≥ 1, not '{n}'"))?,
                None => 8,
            },
            cors_origins: var("CORS_ORIGINS")
                .map(|list| list.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default(),
            admin_ui_dir: var("ADMIN_UI_DIR").map(PathBuf::from).unwrap_or_else(|| "admin-ui/dist".into()),
            webapp_dir: var("WEBAPP_DIR").map(PathBuf::from).unwrap_or_else(|| "webapp/dist".into()),
            trusted_proxies: api::clients::TrustedProxies::parse(&var("TRUSTED_PROXIES").unwrap_or_default())
                .map_err(anyhow::Error::msg)?,
            auth_rate_limit: match var("AUTH_RATE_LIMIT") {
                Some(n) => n
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| anyhow::anyhow!("AUTH_RATE_LIMIT must be a whole number ≥ 1, not '{n}'"))?,
                None => api::clients::DEFAULT_PER_MINUTE,
            },
            api_pool_size: match var("API_POOL_SIZE") {
                Some(n) => {
                    n.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| {
                        anyhow::anyhow!("API_POOL_SIZE must be a whole number from 1 to 1000, not '{n}'")
                    })?
                }
                None => 48,
            },
            public_cache: match var("PUBLIC_CACHE_MS") {
                Some(ms) => {
                    std::time::Duration::from_millis(ms.parse().ok().filter(|ms| *ms <= 60_000).ok_or_else(|| {
                        anyhow::anyhow!(
                            "PUBLIC_CACHE_MS must be a whole number of milliseconds up to 60000, not '{ms}'"
                        )
                    })?)
                }
                None => std::time::Duration::from_secs(5),
            },
            media_dir: var("MEDIA_DIR").map(PathBuf::from).unwrap_or_else(|| ".groupbuy/media".into()),
            bank: BankSettings::from_env(),
            cron: CronSchedule::ALL
                .into_iter()
                .filter_map(|name| var(&scheduler::variable(name)).map(|expression| (name, expression)))
                .collect(),
            hostname: var("HOSTNAME"),
            demo_data: var("DEMO_DATA").is_none_or(|v| v != "false" && v != "0"),
            failpoints: var("GROUPBUY_FAILPOINTS"),
        })
    }
}

/// Without `JWT_SECRET`, a random secret is generated once and kept in `.groupbuy/dev-secret`
/// so tokens survive restarts on a developer machine. Never for production.
fn dev_secret() -> anyhow::Result<String> {
    let path = PathBuf::from(".groupbuy/dev-secret");
    if let Ok(secret) = std::fs::read_to_string(&path)
        && secret.trim().len() >= 32
    {
        return Ok(secret.trim().to_string());
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a dev secret: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir_all(".groupbuy")?;
    std::fs::write(&path, &secret)?;
    tracing::warn!(path = %path.display(), "JWT_SECRET is not set: generated a development secret; set JWT_SECRET in production");
    Ok(secret)
}
