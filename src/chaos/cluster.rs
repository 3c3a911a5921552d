//! The run's own installation: PostgreSQL and Redis of its own, the sandbox bank, two API
//! processes, two workers for every queue and the scheduler, all children of this binary
//! configured as production is (the bank reached over its signed wire protocol), in a directory
//! of its own where each process logs.

use super::bank::SandboxBank;
use super::client::{Api, Who};
use super::postgres::Postgres;
use super::redis_server::RedisServer;
use super::roles::{Role, Roles};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const APIS: usize = 2;
pub const WORKERS: usize = 2;

pub struct Cluster {
    pub dir: PathBuf,
    pub postgres: Postgres,
    pub redis: tokio::sync::Mutex<RedisServer>,
    pub roles: Roles,
    pub api: Arc<Api>,
    pub bank: SandboxBank,
    jwt_secret: String,
    env: Vec<(String, String)>,
    exe: PathBuf,
    supervisor: tokio::task::JoinHandle<()>,
}

/// What runs around PostgreSQL.
struct Around {
    redis: RedisServer,
    roles: Roles,
    api: Arc<Api>,
    bank: SandboxBank,
    jwt_secret: String,
    env: Vec<(String, String)>,
    exe: PathBuf,
    supervisor: tokio::task::JoinHandle<()>,
}

/// One queue as the staff API reports it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct QueueState {
    pub queue: String,
    pub waiting: u64,
    pub running: u64,
    pub done: u64,
    pub dead: u64,
}

impl Cluster {
    pub async fn start(pg_bin: Option<PathBuf>) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("groupbuy-chaos-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        eprintln!("chaos: the installation lives in {}", dir.display());
        let postgres = Postgres::start(&dir, pg_bin).await.context("starting the run's PostgreSQL")?;
        match Self::start_roles(&dir, &postgres).await {
            Ok(a) => Ok(Self {
                dir,
                postgres,
                redis: tokio::sync::Mutex::new(a.redis),
                roles: a.roles,
                api: a.api,
                bank: a.bank,
                jwt_secret: a.jwt_secret,
                env: a.env,
                exe: a.exe,
                supervisor: a.supervisor,
            }),
            Err(e) => {
                // A daemon of its own: nothing else would stop it.
                postgres.shut_down().await;
                Err(e)
            }
        }
    }

    /// Everything that runs around PostgreSQL.
    async fn start_roles(dir: &Path, postgres: &Postgres) -> anyhow::Result<Around> {
        let signer = tokio::task::spawn_blocking(cyclops::Signer::generate).await??;
        let key = dir.join("platform-key.pem");
        std::fs::write(&key, signer.private_key_pem())?;
        let redis = RedisServer::start(dir.join("redis")).await?;
        let bank_addr = format!("127.0.0.1:{}", super::free_port()?);
        let secret = |bytes: usize| {
            let mut raw = vec![0u8; bytes];
            getrandom::fill(&mut raw).map(|()| raw.iter().map(|b| format!("{b:02x}")).collect::<String>())
        };
        let (jwt_secret, service_key) = (secret(32)?, secret(16)?);
        let database_url = postgres.url("groupbuy");
        let env: Vec<(String, String)> = [
            ("DATABASE_URL", database_url.clone()),
            ("REDIS_URL", redis.url()),
            ("QUEUE_NAMESPACE", "chaos".into()),
            ("JWT_SECRET", jwt_secret.clone()),
            ("SERVICE_API_KEYS", service_key.clone()),
            ("DEMO_DATA", "false".into()),
            ("SANDBOX_BANK_ADDR", bank_addr.clone()),
            ("TOCHKA_API_URL", format!("http://{bank_addr}/api/v1")),
            ("TOCHKA_PRIVATE_KEY_PATH", key.to_string_lossy().into_owned()),
            ("TOCHKA_PLATFORM_ID", "groupbuy-chaos".into()),
            // Production asks the bank every 15 s and is nudged by the bank's webhook, which the
            // sandbox does not send: asking every 2 s stands in for the nudge.
            ("GROUPBUY_CRON_BANK_RECONCILE", "*/2 * * * * *".into()),
            ("MEDIA_DIR", dir.join("media").to_string_lossy().into_owned()),
            ("RUST_LOG", "warn,groupbuy=info".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        // Created and migrated once, before the roles (each of which migrates too) start together.
        workflows::db::prepare(&database_url, 2).await?.close().await;

        let exe = std::env::current_exe()?;
        let roles = Roles::new(exe.clone(), dir.to_path_buf(), env.clone());
        roles.add(Role::Bank, &["sandbox-bank"], Vec::new()).await?;
        let bank = SandboxBank::new(format!("http://{bank_addr}"));
        super::wait_for("the sandbox bank", Duration::from_secs(60), || async { bank.books().await.is_ok() }).await?;
        let mut bases = Vec::new();
        for n in 1..=APIS {
            let addr = format!("127.0.0.1:{}", super::free_port()?);
            roles.add(Role::Api(n), &["api"], vec![("HTTP_ADDR".into(), addr.clone())]).await?;
            bases.push(format!("http://{addr}"));
        }
        for n in 1..=WORKERS {
            roles.add(Role::Worker(n), &["worker", "--concurrency", "4"], Vec::new()).await?;
        }
        roles.add(Role::Scheduler, &["scheduler"], Vec::new()).await?;
        let supervisor = roles.supervise();
        let http = reqwest::Client::new();
        for base in &bases {
            let ready = format!("{base}/ready");
            super::wait_for("the API to be ready", Duration::from_secs(120), || async {
                http.get(&ready).send().await.is_ok_and(|r| r.status().is_success())
            })
            .await?;
        }
        let api = Arc::new(Api::new(bases, &service_key)?);
        Ok(Around { redis, roles, api, bank, jwt_secret, env, exe, supervisor })
    }

    /// A person's JWT, as the platform issues them.
    pub fn token(&self, user: i64) -> String {
        api::auth::issue_token(self.jwt_secret.as_bytes(), user, api::auth::TOKEN_LIFETIME).0
    }

    /// `groupbuy doctor` against this installation: whether it is clean, and what it said.
    pub async fn doctor(&self) -> anyhow::Result<(bool, String)> {
        let output = tokio::process::Command::new(&self.exe)
            .arg("doctor")
            .current_dir(&self.dir)
            .envs(self.env.iter().cloned())
            .env("RUST_LOG", "error")
            .output()
            .await?;
        let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        Ok((output.status.success(), said.trim().to_string()))
    }

    /// The job queues, as staff see them.
    pub async fn queues(&self) -> anyhow::Result<Vec<QueueState>> {
        let stats = self.api.read("/api/admin/jobs/stats", Who::Service).await?;
        Ok(serde_json::from_value(stats)?)
    }

    pub async fn shut_down(self, keep: bool) {
        self.supervisor.abort();
        self.roles.shut_down().await;
        self.redis.lock().await.kill().await;
        self.postgres.shut_down().await;
        if keep {
            eprintln!("chaos: kept {} (logs, database, Redis file)", self.dir.display());
        } else if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("chaos: could not remove {}: {e}", self.dir.display());
        }
    }
}
