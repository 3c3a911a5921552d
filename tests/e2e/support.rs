#![allow(dead_code)]
//! The test harness: each test gets its own database (a copy of a migrated template) and its
//! own API server on a free loopback port, reached over real HTTP.

use api::AppState;
use api::auth::{AuthConfig, TOKEN_LIFETIME, issue_token};
use poem::listener::Acceptor;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::OnceCell;

pub const SERVICE_KEY: &str = "test-service-key";
/// The Redis every test shares (each under a queue namespace of its own).
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";
const JWT_SECRET: &[u8] = b"test-jwt-secret-that-is-long-enough";

fn admin_url() -> String {
    let base = std::env::var("TEST_DATABASE_ADMIN_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    format!("{base}/postgres")
}

fn database_url(name: &str) -> String {
    admin_url().rsplit_once('/').map(|(base, _)| format!("{base}/{name}")).expect("database url")
}

/// The template's name changes whenever the migrations do, so a stale template is never reused.
fn template_name() -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for m in workflows::db::MIGRATOR.iter() {
        for b in m.checksum.iter() {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x100000001b3);
        }
    }
    format!("gbtpl_{:012x}", hash & 0xffff_ffff_ffff)
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Creates the migrated template once per test run (guarded across processes by an advisory
/// lock) and drops test databases left over from earlier runs.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let mut admin = PgConnection::connect(&admin_url()).await.expect("connect to PostgreSQL");
            admin.execute("SELECT pg_advisory_lock(7254001)").await.unwrap();
            let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(&name)
                .fetch_one(&mut admin)
                .await
                .unwrap();
            if !exists {
                // Only what is hours old: other checkouts on this machine may be running tests
                // from a template of their own right now.
                let stale: Vec<String> = sqlx::query_scalar(
                    "SELECT datname FROM pg_database
                     WHERE (datname LIKE 'gbtest\\_%' OR datname LIKE 'gbtpl\\_%')
                       AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '3 hours'",
                )
                .fetch_all(&mut admin)
                .await
                .unwrap();
                for db in stale {
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")))
                        .await;
                }
                let building = format!("{name}_building");
                let _ = admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{building}\""))).await;
                admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{building}\""))).await.unwrap();
                {
                    let mut conn = PgConnection::connect(&database_url(&building)).await.unwrap();
                    workflows::db::MIGRATOR.run(&mut conn).await.expect("migrate the template");
                    conn.close().await.unwrap();
                }
                admin
                    .execute(sqlx::AssertSqlSafe(format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"")))
                    .await
                    .unwrap();
            }
            admin.execute("SELECT pg_advisory_unlock(7254001)").await.unwrap();
            admin.close().await.unwrap();
            name
        })
        .await
}

/// A fresh, migrated database of its own, and its URL.
pub async fn fresh_database() -> (PgPool, String) {
    let template = template().await;
    let name = format!("gbtest_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")))
        .await
        .expect("copy the template database");
    admin.close().await.unwrap();
    let url = database_url(&name);
    (workflows::db::connect(&url, 50).await.unwrap(), url)
}

/// The bot token that signs the test server's Mini App sign-ins.
pub const TELEGRAM_BOT_TOKEN: &str = "424242:test-mini-app-token";

/// The password of staff accounts made by [`TestApp::staff`].
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    /// What the server was given (another node of the same installation starts from it).
    pub state: AppState,
    pub pool: PgPool,
    /// For processes the test starts (`groupbuy worker`).
    pub database_url: String,
    /// This test's Redis queue namespace (what the staff endpoints look at).
    pub namespace: String,
    /// This test's own sandbox bank, and the platform's signed client of it.
    pub sandbox: sandbox::SandboxServer,
    pub bank: Arc<dyn workflows::bank::Bank>,
    http: reqwest::Client,
}

/// The platform's test signing key (test-only; see sandbox/tests/fixtures/README.md).
pub const PLATFORM_KEY_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sandbox/tests/fixtures/platform-key.pem");
pub const BANK_SYSTEM: &str = "groupbuy-test";

/// Deposits paid to the sandbox's nominal account, with its payment page when given.
pub fn pay_into(payment_page: Option<String>) -> workflows::payments::PayInto {
    workflows::payments::PayInto {
        nominal_account: sandbox::SandboxConfig::TEST_NOMINAL_ACCOUNT.into(),
        bic: sandbox::SandboxConfig::TEST_BIC.into(),
        bank_name: "ООО «Банк Точка»".into(),
        recipient_name: "ООО «ГрупБай»".into(),
        payment_page,
    }
}

async fn start_sandbox() -> (sandbox::SandboxServer, Arc<dyn workflows::bank::Bank>) {
    use cyclops::{CyclopsClient, CyclopsConfig, Signer};
    let signer = Signer::from_pem(&std::fs::read_to_string(PLATFORM_KEY_PATH).unwrap()).unwrap();
    let bank = sandbox::SandboxBank::new(sandbox::SandboxConfig::trusting(&signer, BANK_SYSTEM)).unwrap();
    let server = sandbox::serve("127.0.0.1:0", bank).await.unwrap();
    let config = CyclopsConfig::new(server.api_url(), BANK_SYSTEM, signer)
        .with_timeout(std::time::Duration::from_secs(2))
        .with_nominal_account(sandbox::SandboxConfig::TEST_NOMINAL_ACCOUNT, sandbox::SandboxConfig::TEST_BIC);
    let client = CyclopsClient::new(config).unwrap();
    (server, Arc::new(client))
}

/// Serves `state` on a free loopback port; returns its base URL.
async fn serve(state: AppState) -> String {
    let acceptor = api::listener::bind("127.0.0.1:0").await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().expect("tcp address");
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(api::app(state)));
    format!("http://{addr}")
}

/// A node's chat fan-out on the shared Redis, under the test's namespace.
async fn chat_node(namespace: &str) -> Arc<api::chat::Chat> {
    api::chat::Chat::start(REDIS_URL, namespace, api::chat::ChatConfig::default()).await.expect("redis url")
}

impl TestApp {
    /// A second API node of the same installation (same database, same Redis namespace) with
    /// its own fan-out subscriber, as a second `groupbuy api` process would have; its base URL.
    pub async fn another_node(&self) -> String {
        self.another_node_with(api::chat::ChatConfig::default()).await
    }

    /// [`TestApp::another_node`] with socket limits and timings of the test's choosing.
    pub async fn another_node_with(&self, config: api::chat::ChatConfig) -> String {
        self.another_node_on(REDIS_URL, config).await
    }

    /// [`TestApp::another_node_with`] whose fan-out goes through the Redis at `redis_url`.
    pub async fn another_node_on(&self, redis_url: &str, config: api::chat::ChatConfig) -> String {
        let mut state = self.state.clone();
        state.chat = api::chat::Chat::start(redis_url, &self.namespace, config).await.expect("redis url");
        serve(state).await
    }

    /// On the shared Redis; `/ready` does not check it.
    pub async fn spawn() -> Self {
        Self::spawn_on(REDIS_URL, None).await
    }

    /// With the API's Redis (job views, `/metrics`, `/ready`) at `redis_url`: one the test owns.
    pub async fn spawn_with_redis(redis_url: &str) -> Self {
        Self::spawn_on(redis_url, Some(redis::Client::open(redis_url).unwrap())).await
    }

    async fn spawn_on(queues_url: &str, ready_checks: Option<redis::Client>) -> Self {
        let (pool, database_url) = fresh_database().await;
        let namespace = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
        let (sandbox, bank) = start_sandbox().await;
        let state = AppState {
            pool: pool.clone(),
            auth: AuthConfig {
                jwt_secret: Arc::from(JWT_SECRET),
                service_keys: Arc::new(HashSet::from([SERVICE_KEY.to_string()])),
                telegram_bot_token: Some(Arc::from(TELEGRAM_BOT_TOKEN)),
            },
            redis: ready_checks,
            // The connection `groupbuy api` uses, so the tests see what production does.
            queues: Some(Arc::new(workers::admin::RedisQueueAdmin::new(
                workers::storage::connect_for_reads(queues_url).expect("redis url"),
                namespace.clone(),
            ))),
            admin_ui_dir: None,
            webapp_dir: None,
            media_dir: Some(std::env::temp_dir().join(format!("gbtest-media-{}", uuid::Uuid::new_v4().simple()))),
            pay_into: pay_into(Some(format!("{}/pay", sandbox.url()))),
            bank: Some(bank.clone()),
            webhook_key: Some(Arc::new(
                api::routes::webhook::decoding_key_from_file(
                    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tochka-webhook-key.pub.pem").as_ref(),
                )
                .unwrap(),
            )),
            clients: Default::default(),
            chat: chat_node(&namespace).await,
        };
        let base = serve(state.clone()).await;
        Self { state, base, pool, database_url, namespace, sandbox, bank, http: reqwest::Client::new() }
    }

    pub fn user_token(&self, user_id: i64) -> String {
        issue_token(JWT_SECRET, user_id, TOKEN_LIFETIME).0
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// A request with the service key.
    pub fn service(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(SERVICE_KEY)
    }

    /// A request as user `user_id` (a JWT).
    pub fn as_user(&self, user_id: i64, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(self.user_token(user_id))
    }

    pub fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path)
    }

    /// A staff account (as `groupbuy createsuperuser` makes it) logged in through
    /// `POST /api/admin/auth/`: its user id and bearer token.
    pub async fn staff(&self, username: &str) -> (i64, String) {
        let mut conn = self.pool.acquire().await.unwrap();
        let staff = workflows::users::create_staff(&mut conn, username, STAFF_PASSWORD).await.unwrap();
        let (status, body) = send(
            self.anon(Method::POST, "/api/admin/auth/")
                .json(&json!({ "username": username, "password": STAFF_PASSWORD })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (staff.id, body["token"].as_str().unwrap().to_string())
    }

    /// A request with a staff bearer token (from [`TestApp::staff`]).
    pub fn as_staff(&self, token: &str, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    pub async fn register(&self, role: &str) -> i64 {
        let platform_user_id = uuid::Uuid::new_v4().to_string();
        let (status, body) = send(self.service(Method::POST, "/api/users/").json(&json!({
            "platform": "telegram", "platform_user_id": platform_user_id, "first_name": "Тест", "role": role
        })))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// A draft by a new organizer, with `extra` fields overriding the defaults.
    pub async fn draft(&self, organizer: i64, extra: Value) -> i64 {
        let mut body = json!({
            "title": "Мёд", "description": "Алтайский мёд", "organizer": organizer, "city": "Москва",
            "target_amount": "10000.00", "price_per_unit": "100.00", "unit": "кг",
            "deadline": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, created) = send(self.service(Method::POST, "/api/procurements/").json(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_i64().unwrap()
    }

    /// An active procurement by a new organizer; returns (procurement, organizer).
    pub async fn active(&self, extra: Value) -> (i64, i64) {
        let organizer = self.register("organizer").await;
        let id = self.draft(organizer, extra).await;
        self.set_status(id, "active").await;
        (id, organizer)
    }

    pub async fn set_status(&self, id: i64, status: &str) -> Value {
        let (code, body) = send(
            self.service(Method::POST, &format!("/api/procurements/{id}/update_status/"))
                .json(&json!({ "status": status })),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{status}: {body}");
        body
    }

    pub async fn join(&self, id: i64, user: i64, quantity: &str) -> (StatusCode, Value) {
        send(
            self.service(Method::POST, &format!("/api/procurements/{id}/join/"))
                .json(&json!({ "user_id": user, "quantity": quantity })),
        )
        .await
    }

    /// Credits `amount` roubles to a user's balance as a bonus.
    pub async fn fund(&self, user: i64, amount: &str) {
        let (status, body) = send(
            self.service(Method::POST, &format!("/api/users/{user}/update_balance/"))
                .json(&json!({ "amount": amount })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    pub async fn procurement(&self, id: i64) -> Value {
        let (status, body) = send(self.service(Method::GET, &format!("/api/procurements/{id}/"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// The sum of all ledger entries (always zero) and whether each balance equals its entries.
    pub async fn assert_ledger_consistent(&self) {
        let total: Option<rust_decimal::Decimal> =
            sqlx::query_scalar("SELECT sum(amount) FROM ledger_entries").fetch_one(&self.pool).await.unwrap();
        assert_eq!(total.unwrap_or_default(), rust_decimal::Decimal::ZERO, "ledger entries must sum to zero");
        let drift: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM ledger_accounts a
             WHERE a.balance <> COALESCE((SELECT sum(amount) FROM ledger_entries WHERE account_id = a.id), 0)",
        )
        .fetch_one(&self.pool)
        .await
        .unwrap();
        assert_eq!(drift, 0, "every balance must equal the sum of its entries");
        let drift: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM ledger_accounts a
             WHERE a.debited <> COALESCE((SELECT -sum(amount) FROM ledger_entries WHERE account_id = a.id AND amount < 0), 0)",
        )
        .fetch_one(&self.pool)
        .await
        .unwrap();
        assert_eq!(drift, 0, "every account's debited must equal the sum of its debits");
    }
}

/// Sends a request; returns the status and the JSON body (Null when there is none).
pub async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, body)
}

/// Asserts an error response: the status and a JSON body with `error` and `code`.
#[track_caller]
pub fn assert_error(actual: &(StatusCode, Value), status: StatusCode, code: &str) {
    let (got, body) = actual;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
}

/// The secret the test server signs user tokens with (to mint expired or odd tokens).
pub fn jwt_secret() -> &'static [u8] {
    JWT_SECRET
}

impl TestApp {
    /// Runs the jobs the requests so far have queued (captures, refunds, …), as a worker would.
    pub async fn drain(&self) -> usize {
        workers::inline::drain(&self.jobs().await).await.expect("jobs run")
    }

    /// The ports a worker process gives jobs, for this test's database and queue namespace.
    pub async fn jobs(&self) -> workflows::jobs::JobContext {
        // A connection per call: each test runs on its own runtime, which a shared one would outlive.
        let conn = workers::storage::connect(REDIS_URL).await.expect("connect to Redis");
        let courier = Arc::new(workers::courier::RedisCourier::new(conn, self.namespace.clone()));
        workflows::jobs::JobContext {
            pool: self.pool.clone(),
            courier: courier.clone(),
            bank: self.bank.clone(),
            feed: courier,
            messenger: Arc::new(workflows::notify::NoMessenger),
        }
    }

    /// What a `groupbuy` process needs to reach this test's sandbox bank.
    pub fn bank_env(&self) -> [(&'static str, String); 3] {
        [
            ("TOCHKA_API_URL", self.sandbox.api_url()),
            ("TOCHKA_PRIVATE_KEY_PATH", PLATFORM_KEY_PATH.to_string()),
            ("TOCHKA_PLATFORM_ID", BANK_SYSTEM.to_string()),
        ]
    }
}

/// A procurement in `payment` with one confirmed and paid order of 3 × 100.00 by a buyer who
/// started with 1000.00; returns (procurement, organizer, buyer, participant).
pub struct PaidOrder {
    pub procurement: i64,
    pub organizer: i64,
    pub buyer: i64,
    pub participant: i64,
}

impl TestApp {
    pub async fn paid_order(&self) -> PaidOrder {
        let (procurement, organizer) = self.active(json!({})).await;
        let buyer = self.register("buyer").await;
        self.fund(buyer, "1000.00").await;
        let (code, joined) = self.join(procurement, buyer, "3").await;
        assert_eq!(code, StatusCode::CREATED, "{joined}");
        let participant = joined["id"].as_i64().unwrap();
        self.set_status(procurement, "stopped").await;
        self.set_status(procurement, "payment").await;
        for status in ["confirmed", "paid"] {
            let (code, body) = send(
                self.service(Method::POST, &format!("/api/procurements/participants/{participant}/update_status/"))
                    .json(&json!({ "status": status })),
            )
            .await;
            assert_eq!(code, StatusCode::OK, "{status}: {body}");
        }
        PaidOrder { procurement, organizer, buyer, participant }
    }
}

/// Waits (up to `limit`, generous for slow CI machines) until `check` holds.
pub async fn eventually<F, Fut>(what: &str, limit: std::time::Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Polls `work` at most `polls` times: its output, or `None` when it had not finished and was
/// dropped at whatever await point it had reached, as a job is whose process dies there.
pub async fn dies_after<F: std::future::Future>(work: F, polls: u32) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let mut left = polls;
    std::future::poll_fn(|cx| match work.as_mut().poll(cx) {
        std::task::Poll::Ready(out) => std::task::Poll::Ready(Some(out)),
        std::task::Poll::Pending if left <= 1 => std::task::Poll::Ready(None),
        std::task::Poll::Pending => {
            left -= 1;
            std::task::Poll::Pending
        }
    })
    .await
}

/// Whether queue `queue` of namespace `ns` has `done` finished jobs and none running.
pub async fn queue_settled(conn: &redis::aio::ConnectionManager, ns: &str, queue: &str, done: u64) -> bool {
    let mut conn = conn.clone();
    let stats = workers::admin::stats(&mut conn, ns).await.unwrap();
    stats.iter().any(|s| s.queue == queue && s.done == done && s.running == 0)
}

/// A Redis server of the test's own, on a free port, that it can kill and restart (never the
/// shared one: other tests use it at the same time). Append-only file in a directory of its
/// own, synced on every write, so what was written survives a kill, as in production
/// (compose.yaml runs Redis with AOF). Killed, and its directory removed, on drop.
pub struct OwnRedis {
    pub port: u16,
    dir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    /// Started and answering.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("gbtest-redis-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut redis = Self { port, dir, child: None };
        redis.restart().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (SIGKILL, no goodbye to its clients) if running, and starts it again on the same
    /// port from its append-only file; returns once it answers.
    pub async fn restart(&mut self) {
        self.kill();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always", "--dir"])
            .arg(&self.dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        self.child = Some(child);
        let client = redis::Client::open(self.url()).unwrap();
        // PING, not just a connection: Redis refuses commands while it loads its file.
        eventually("redis to answer", std::time::Duration::from_secs(30), || {
            let client = client.clone();
            async move {
                let Ok(mut conn) = client.get_multiplexed_async_connection().await else { return false };
                redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok()
            }
        })
        .await;
    }

    /// Kills it and starts it again on the same port with nothing: its append-only file gone
    /// too, as when the server or its disk is lost.
    pub async fn lose(&mut self) {
        self.kill();
        std::fs::remove_dir_all(&self.dir).unwrap();
        std::fs::create_dir_all(&self.dir).unwrap();
        self.restart().await;
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A `groupbuy` process of the test's installation (same database, the given Redis, the test's
/// queue namespace and keys); killed on drop.
pub struct Process {
    child: std::process::Child,
    /// Where it serves HTTP (`api`, `chat`); empty for roles that serve none.
    pub base: String,
}

impl Process {
    /// Starts `groupbuy ARGS…` with `extra` environment on top of the installation's.
    pub fn spawn(app: &TestApp, args: &[&str], redis_url: &str, extra: &[(&str, String)]) -> Self {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_groupbuy"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("REDIS_URL", redis_url)
            .env("QUEUE_NAMESPACE", &app.namespace)
            .env("JWT_SECRET", std::str::from_utf8(jwt_secret()).unwrap())
            .env("SERVICE_API_KEYS", SERVICE_KEY)
            .env("DEMO_DATA", "false")
            .envs(app.bank_env())
            .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start groupbuy");
        Self { child, base: String::new() }
    }

    /// Starts an HTTP role (`api`, `chat`) on `port` (a free one when `None`) and waits until it
    /// answers `/health`.
    pub async fn serve(app: &TestApp, role: &str, redis_url: &str, port: Option<u16>) -> Self {
        let port =
            port.unwrap_or_else(|| std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port());
        let mut process = Self::spawn(app, &[role], redis_url, &[("HTTP_ADDR", format!("127.0.0.1:{port}"))]);
        process.base = format!("http://127.0.0.1:{port}");
        let health = format!("{}/health", process.base);
        eventually("the process to answer /health", std::time::Duration::from_secs(60), || {
            let health = health.clone();
            async move { reqwest::get(health).await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
        process
    }

    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}
