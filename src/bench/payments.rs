//! `groupbuy bench payments`: reconciliation throughput and capture fan-out time, against a
//! sandbox bank in this process (reached over HTTP with signed requests, as in production) and a
//! scratch database of its own (`{database}_bench_payments`, recreated on every run).
//!
//! 1. Reconciliation: `--deposits` pending deposits of `--deposits / 10` buyers whose accounts
//!    are open, the money for each arriving at the bank as a transfer with its order code; timed
//!    from the first reconciliation run to the last payment credited: identified payments/s.
//! 2. Capture: a procurement with `--participants` paid orders is completed; timed from the
//!    status change to the last capture's bank transfers done, through the outbox, Redis and a
//!    worker runtime, then `doctor` must find nothing.

use crate::config::Settings;
use anyhow::{Context, bail};
use chrono::{Duration as ChronoDuration, Utc};
use cyclops::{CyclopsClient, CyclopsConfig, Signer};
use futures_util::{StreamExt, TryStreamExt};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use std::sync::Arc;
use std::time::{Duration, Instant};
use workflows::bank::Bank;
use workflows::participant::{self, ParticipantStatus};
use workflows::procurement::{self, JoinRequest, NewProcurement, ProcurementStatus};
use workflows::{Actor, Money, Quantity, payments};

#[derive(clap::Args)]
pub struct PaymentsBenchArgs {
    /// Pending deposits whose money arrives at the bank.
    #[arg(long, default_value_t = 10_000)]
    pub deposits: usize,
    /// Paid orders in the procurement whose completion is timed.
    #[arg(long, default_value_t = 1_000)]
    pub participants: usize,
    /// Jobs each worker pool runs at once during the capture.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
}

const SYSTEM: &str = "groupbuy-bench";
const SETUP_PARALLEL: usize = 16;

pub async fn run(settings: &Settings, args: PaymentsBenchArgs) -> anyhow::Result<()> {
    let pool = scratch_database(&settings.database_url).await?;
    let signer = tokio::task::spawn_blocking(Signer::generate).await??;
    let signing = tokio::task::spawn_blocking({
        let signer = signer.clone();
        move || signatures_per_second(&signer)
    })
    .await??;
    let sandbox =
        sandbox::serve("127.0.0.1:0", sandbox::SandboxBank::new(sandbox::SandboxConfig::trusting(&signer, SYSTEM))?)
            .await?;
    let config = CyclopsConfig::new(sandbox.api_url(), SYSTEM, signer)
        .with_nominal_account(sandbox::SandboxConfig::TEST_NOMINAL_ACCOUNT, sandbox::SandboxConfig::TEST_BIC);
    let bank: Arc<dyn Bank> = Arc::new(CyclopsClient::new(config)?);

    let buyers = buyers(&pool, bank.as_ref(), args.deposits.div_ceil(10).max(args.participants)).await?;
    eprintln!("  {} buyers with accounts at the bank", buyers.len());

    // 1. Reconciliation.
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO payments (user_id, payment_type, amount, status, provider, description)
         SELECT user_id, 'deposit', 100.00, 'pending', 'sandbox', 'bench deposit'
         FROM unnest($1::bigint[]) AS user_id RETURNING id",
    )
    .bind((0..args.deposits).map(|i| buyers[i % buyers.len()]).collect::<Vec<i64>>())
    .fetch_all(&pool)
    .await?;
    let deposits: Vec<(i64, String)> =
        sqlx::query_as("UPDATE payments SET order_id = 'GBD-' || id WHERE id = ANY($1) RETURNING id, order_id")
            .bind(&ids)
            .fetch_all(&pool)
            .await?;
    for (_, code) in &deposits {
        let purpose = format!("Пополнение баланса по заказу {code}");
        sandbox
            .bank()
            .receive_transfer(Money::from_kopecks(10_000), &purpose)
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    }
    let started = Instant::now();
    let mut identified = 0;
    let mut runs = 0;
    while identified < deposits.len() {
        let done = payments::reconcile::reconcile(&pool, bank.as_ref()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        identified += done.identified;
        runs += 1;
        if done.identified == 0 && done.deferred == 0 {
            bail!("reconciliation stalled at {identified} of {}", deposits.len());
        }
    }
    let reconcile_time = started.elapsed();

    // 2. Capture fan-out.
    let (procurement, organizer) = paid_procurement(&pool, &buyers[..args.participants]).await?;
    let namespace = format!("gbbench:{}", uuid::Uuid::new_v4().simple());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let config = workers::pool::PoolConfig {
        namespace: namespace.clone(),
        concurrency: args.concurrency,
        poll_interval: Duration::from_millis(10),
        ..Default::default()
    };
    let (runtime_pool, runtime_bank, redis_url) = (pool.clone(), bank.clone(), settings.redis_url.clone());
    let runtime = tokio::spawn(async move {
        workers::runtime::run(runtime_pool, runtime_bank, &redis_url, config, async {
            let _ = stop_rx.await;
        })
        .await
    });
    let started = Instant::now();
    procurement::change_status(&pool, procurement, ProcurementStatus::Completed, Actor::System, Utc::now()).await?;
    loop {
        let (open, captured): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM bank_operations WHERE status IN ('pending', 'sending')),
                    (SELECT count(*) FROM fanouts WHERE procurement_id = $1 AND completed_at IS NOT NULL)",
        )
        .bind(procurement)
        .fetch_one(&pool)
        .await?;
        if open == 0 && captured == 1 {
            break;
        }
        if started.elapsed() > Duration::from_secs(300) {
            bail!("the capture did not finish in 5 minutes");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let capture_time = started.elapsed();
    let _ = stop_tx.send(());
    runtime.await?.context("worker runtime")?;
    // Leave nothing behind in Redis.
    workers::storage::forget(&mut workers::storage::connect(&settings.redis_url).await?, &namespace).await?;
    let organizer_balance = workflows::ledger::balance_of(&mut *pool.acquire().await?, organizer).await?;
    let findings = workflows::doctor::examine(&pool, Some(bank.as_ref())).await?;
    for finding in &findings {
        eprintln!("  doctor: {finding}");
    }

    println!("| measurement | items | time | rate |");
    println!("|---|---:|---:|---:|");
    println!(
        "| reconciliation: incoming payments identified and credited ({runs} runs) | {} | {:.2} s | {:.0} /s |",
        deposits.len(),
        reconcile_time.as_secs_f64(),
        deposits.len() as f64 / reconcile_time.as_secs_f64()
    );
    println!(
        "| capture fan-out: completion → every capture and bank transfer done | {} | {:.2} s | {:.0} /s |",
        args.participants,
        capture_time.as_secs_f64(),
        args.participants as f64 / capture_time.as_secs_f64()
    );
    println!(
        "\nRSA-2048 signatures/s on all {} cores, nothing else running: {signing:.0}; a payment takes two signed \
         requests (get_payment, identification_payment), so no client signing each request can identify more than \
         {:.0} payments/s here",
        cores(),
        signing / 2.0
    );
    println!(
        "\norganizer credited {organizer_balance}; doctor: {}",
        if findings.is_empty() { "clean".into() } else { format!("{} findings", findings.len()) }
    );
    if !findings.is_empty() {
        bail!("doctor found discrepancies");
    }
    Ok(())
}

fn cores() -> usize {
    std::thread::available_parallelism().map(usize::from).unwrap_or(1)
}

/// How many request bodies this machine signs per second on all its cores: every Cyclops request
/// is signed, so this bounds any reconciliation's rate.
fn signatures_per_second(signer: &Signer) -> anyhow::Result<f64> {
    let body = br#"{"jsonrpc":"2.0","id":"0b8c1f0e-5a57-4b8e-9a43-2f1d2c3b4a59","method":"get_payment","params":{"payment_id":"cyclops-0b8c1f0e-5a57-4b8e-9a43-2f1d2c3b4a59"}}"#;
    let started = Instant::now();
    let signed: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..cores())
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0;
                    while started.elapsed() < Duration::from_secs(2) {
                        signer.sign(body).map(|_| n += 1).ok();
                    }
                    n
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap_or(0)).sum()
    });
    Ok(signed as f64 / started.elapsed().as_secs_f64())
}

/// A fresh database next to the configured one.
async fn scratch_database(url: &str) -> anyhow::Result<PgPool> {
    let (base, name) = url.rsplit_once('/').context("DATABASE_URL has no database name")?;
    let name = name.split('?').next().unwrap_or(name);
    let scratch = format!("{name}_bench_payments");
    let mut admin = PgConnection::connect(&format!("{base}/postgres")).await?;
    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)"))).await?;
    admin.close().await?;
    Ok(workflows::db::prepare(&format!("{base}/{scratch}"), 48).await?)
}

/// `n` buyers with INNs and open accounts at the bank.
async fn buyers(pool: &PgPool, bank: &dyn Bank, n: usize) -> anyhow::Result<Vec<i64>> {
    let inns: Vec<String> =
        (0..n).map(|i| workflows::users::inn::with_check_digits(7_702_000_000 + i as u64)).collect();
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO users (first_name, role, inn) SELECT 'Покупатель', 'buyer', inn FROM unnest($1::text[]) AS inn RETURNING id",
    )
    .bind(&inns)
    .fetch_all(pool)
    .await?;
    futures_util::stream::iter(ids.clone())
        .map(|id| async move { payments::virtual_account_of(pool, bank, id).await.map_err(|e| anyhow::anyhow!("{e}")) })
        .buffer_unordered(SETUP_PARALLEL)
        .try_collect::<Vec<_>>()
        .await?;
    Ok(ids)
}

/// A procurement in PAYMENT whose every order (one unit each, by `buyers`) is paid.
async fn paid_procurement(pool: &PgPool, buyers: &[i64]) -> anyhow::Result<(i64, i64)> {
    let organizer: i64 = sqlx::query_scalar(
        "INSERT INTO users (first_name, role, inn) VALUES ('Организатор', 'organizer', $1) RETURNING id",
    )
    .bind(workflows::users::inn::with_check_digits(7_703_000_000))
    .fetch_one(pool)
    .await?;
    let new = NewProcurement {
        title: "Bench honey".into(),
        description: "A procurement whose completion is timed".into(),
        category_id: None,
        organizer_id: organizer,
        supplier_id: None,
        city: "Москва".into(),
        delivery_address: String::new(),
        target_amount: Money::from_kopecks(100),
        stop_at_amount: None,
        unit: "кг".into(),
        price_per_unit: Some(Money::from_kopecks(5_000)),
        min_quantity: None,
        commission_percent: None,
        deadline: Utc::now() + ChronoDuration::days(7),
        payment_deadline: None,
        image_url: String::new(),
    }
    .validated(Utc::now())?;
    let id = procurement::create(&mut *pool.acquire().await?, &new).await?;
    procurement::change_status(pool, id, ProcurementStatus::Active, Actor::System, Utc::now()).await?;
    let orders: Vec<i64> = futures_util::stream::iter(buyers.to_vec())
        .map(|buyer| async move {
            let order = JoinRequest {
                user_id: buyer,
                quantity: Some(Quantity::from_hundredths(100)),
                amount: None,
                notes: String::new(),
            };
            procurement::join(pool, id, order, Actor::User(buyer), Utc::now()).await.map(|p| p.id)
        })
        .buffer_unordered(SETUP_PARALLEL)
        .try_collect()
        .await?;
    procurement::change_status(pool, id, ProcurementStatus::Stopped, Actor::System, Utc::now()).await?;
    procurement::change_status(pool, id, ProcurementStatus::Payment, Actor::System, Utc::now()).await?;
    futures_util::stream::iter(orders)
        .map(|order| async move {
            participant::change_status(pool, order, ParticipantStatus::Confirmed, Actor::System).await?;
            participant::change_status(pool, order, ParticipantStatus::Paid, Actor::System).await
        })
        .buffer_unordered(SETUP_PARALLEL)
        .try_collect::<Vec<_>>()
        .await?;
    // The jobs these steps queued (notifications, payment requests) are not part of the timing.
    sqlx::query("UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL").execute(pool).await?;
    Ok((id, organizer))
}
