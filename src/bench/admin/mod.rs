//! `groupbuy bench admin`: the staff API's read latency on a big installation. A scratch
//! database of its own (`{database}_bench_admin`, recreated on every run) is filled by
//! `generate_series` SQL with `--users` people, `--procurements` procurements and
//! `--ledger-entries` ledger entries (plus payments, orders, chat messages and notifications in
//! proportion); the API is served in this process on a loopback port, and each staff read
//! (dashboard, series, every admin list that exists) is requested `--requests` times one after
//! another with a staff token. Prints p50/p95/p99 per endpoint as a Markdown table.

mod seed;

use crate::config::Settings;
use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use poem::listener::{Acceptor, Listener, TcpListener};
use reqwest::{Client, StatusCode};
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct AdminBenchArgs {
    #[arg(long, default_value_t = 100_000)]
    pub users: i64,
    #[arg(long, default_value_t = 10_000)]
    pub procurements: i64,
    /// Ledger entries (two per money movement).
    #[arg(long, default_value_t = 1_000_000)]
    pub ledger_entries: i64,
    /// Measured requests per endpoint, one at a time.
    #[arg(long, default_value_t = 200)]
    pub requests: u64,
}

/// The staff reads measured: a name and the paths to cycle through.
fn endpoints(users: i64, procurements: i64) -> Vec<(&'static str, Vec<String>)> {
    let pages = |base: &str| {
        (1..=50).map(|p| format!("{base}{}page={p}", if base.contains('?') { "&" } else { "?" })).collect()
    };
    vec![
        ("dashboard/", vec!["/api/admin/dashboard/".into()]),
        ("dashboard/series/?days=30", vec!["/api/admin/dashboard/series/?days=30".into()]),
        ("dashboard/series/?days=365", vec!["/api/admin/dashboard/series/?days=365".into()]),
        ("users/ (pages 1-50)", pages("/api/admin/users/")),
        (
            "users/?search=",
            ["anna", "boris", "user12", "example.com", "+79990001"]
                .iter()
                .map(|w| format!("/api/admin/users/?search={w}"))
                .collect(),
        ),
        ("users/?role=organizer&is_active=true", pages("/api/admin/users/?role=organizer&is_active=true")),
        ("users/?ordering=-balance", vec!["/api/admin/users/?ordering=-balance".into()]),
        ("users/?ordering=-total_spent", vec!["/api/admin/users/?ordering=-total_spent".into()]),
        ("users/{id}/", (1..=50).map(|i| format!("/api/admin/users/{}/", i * (users / 50).max(1))).collect()),
        ("procurements/ (pages 1-50)", pages("/api/admin/procurements/")),
        ("procurements/?status=active", pages("/api/admin/procurements/?status=active")),
        (
            "procurements/?search=",
            ["honey", "tea", "anna", "salmon walnuts"]
                .iter()
                .map(|w| format!("/api/admin/procurements/?search={w}"))
                .collect(),
        ),
        ("procurements/?ordering=-current_amount", vec!["/api/admin/procurements/?ordering=-current_amount".into()]),
        (
            "procurements/{id}/",
            (1..=50).map(|i| format!("/api/admin/procurements/{}/", i * (procurements / 50).max(1))).collect(),
        ),
        ("payments/", pages("/api/admin/payments/")),
        ("transactions/", pages("/api/admin/transactions/")),
        ("messages/", pages("/api/admin/messages/")),
        ("notifications/", pages("/api/admin/notifications/")),
        ("audit/", vec!["/api/admin/audit/".into()]),
    ]
}

pub async fn run(settings: &Settings, args: AdminBenchArgs) -> anyhow::Result<()> {
    if args.users < 10 || args.procurements < 1 || args.requests == 0 {
        bail!("--users must be at least 10, --procurements and --requests positive");
    }
    let pool = scratch_database(&settings.database_url).await?;
    let t = Instant::now();
    let counts = seed::fill(&pool, args.users, args.procurements, args.ledger_entries).await?;
    println!("seeded in {:.1} s: {counts}", t.elapsed().as_secs_f64());

    let base = serve(settings, pool.clone()).await?;
    let client = Client::builder().pool_max_idle_per_host(1).build()?;
    let token = staff_token(&pool, &client, &base).await?;

    println!("\n{} requests per endpoint, one at a time, staff bearer token, against {base}\n", args.requests);
    println!("| endpoint | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut skipped = Vec::new();
    for (name, paths) in endpoints(args.users, args.procurements) {
        let probe = client.get(format!("{base}{}", paths[0])).bearer_auth(&token).send().await?;
        if probe.status() == StatusCode::NOT_FOUND {
            skipped.push(name);
            continue;
        }
        if !probe.status().is_success() {
            bail!("{name}: {} {}", probe.status(), probe.text().await.unwrap_or_default());
        }
        let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
        for i in 0..args.requests {
            let path = &paths[i as usize % paths.len()];
            let started = Instant::now();
            let response = client.get(format!("{base}{path}")).bearer_auth(&token).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            if !status.is_success() {
                bail!("{path}: {status} {}", String::from_utf8_lossy(&body));
            }
            histogram.record(started.elapsed().as_micros().max(1) as u64)?;
        }
        let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} |",
            ms(0.5),
            ms(0.95),
            ms(0.99),
            histogram.max() as f64 / 1000.0
        );
    }
    if !skipped.is_empty() {
        println!("\nnot measured (404: not on this build): {}", skipped.join(", "));
    }
    Ok(())
}

/// A fresh database next to the configured one.
async fn scratch_database(url: &str) -> anyhow::Result<PgPool> {
    let (base, name) = url.rsplit_once('/').context("DATABASE_URL has no database name")?;
    let name = name.split('?').next().unwrap_or(name);
    let scratch = format!("{name}_bench_admin");
    let mut admin = PgConnection::connect(&format!("{base}/postgres")).await?;
    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)"))).await?;
    admin.close().await?;
    Ok(workflows::db::prepare(&format!("{base}/{scratch}"), 16).await?)
}

/// The API on a free loopback port, as `groupbuy api` serves it (no bank, no worker runtime:
/// the staff reads need neither). Its base URL.
async fn serve(settings: &Settings, pool: PgPool) -> anyhow::Result<String> {
    let state = api::state::AppState {
        pool,
        auth: api::auth::AuthConfig {
            jwt_secret: Arc::from(settings.jwt_secret.as_bytes()),
            service_keys: Arc::new(Default::default()),
            telegram_bot_token: None,
        },
        redis: None,
        queues: None,
        admin_ui_dir: None,
        webapp_dir: None,
        pay_into: workflows::payments::PayInto {
            nominal_account: String::new(),
            bic: String::new(),
            bank_name: String::new(),
            recipient_name: String::new(),
            payment_page: None,
        },
        bank: None,
        webhook_key: None,
        media_dir: None,
        clients: Default::default(),
        chat: api::chat::Chat::start(&settings.redis_url, "groupbuy_bench_admin", api::chat::ChatConfig::default())
            .await?,
    };
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await?;
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().context("tcp address")?;
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(api::app(state)));
    Ok(format!("http://{addr}"))
}

/// Logs a bench staff member in through `POST /api/admin/auth/`; their bearer token.
async fn staff_token(pool: &PgPool, client: &Client, base: &str) -> anyhow::Result<String> {
    let password = uuid::Uuid::new_v4().to_string();
    workflows::users::create_staff(&mut *pool.acquire().await?, "bench-staff", &password).await?;
    let response = client
        .post(format!("{base}/api/admin/auth/"))
        .json(&json!({ "username": "bench-staff", "password": password }))
        .timeout(Duration::from_secs(30))
        .send()
        .await?;
    let body: serde_json::Value = response.json().await?;
    body["token"].as_str().map(str::to_string).with_context(|| format!("staff login: {body}"))
}
