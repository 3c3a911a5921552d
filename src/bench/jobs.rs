//! `groupbuy bench jobs`: how fast the worker runtime moves jobs through Redis.

use crate::config::Settings;
use anyhow::{anyhow, bail};
use std::sync::Arc;
use std::time::Duration;
use workers::bench::{self, JobsReport};
use workers::courier::RedisCourier;
use workers::pool::PoolConfig;
use workflows::jobs::{Job, JobContext};

#[derive(clap::Args)]
pub struct JobsBenchArgs {
    /// Jobs per run.
    #[arg(long, default_value_t = 10_000)]
    pub jobs: usize,
    /// Worker counts to try, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    pub workers: Vec<usize>,
    /// Jobs each worker runs at once (and fetches per poll).
    #[arg(long, default_value_t = 100)]
    pub concurrency: usize,
    /// Jobs a worker fetches at once (apalis' `batch_size`). Default: what production workers
    /// fetch, as many as they run at once (`--concurrency`).
    #[arg(long)]
    pub batch: Option<usize>,
    /// How often an idle worker polls Redis, in milliseconds. Default: production's interval.
    #[arg(long)]
    pub poll_ms: Option<u64>,
    /// `noop` jobs, and/or `lifecycle` jobs (the real deadline handler on the database's active
    /// procurements, which finds their deadlines ahead and changes nothing).
    #[arg(long, value_delimiter = ',', default_value = "noop,lifecycle")]
    pub kinds: Vec<String>,
}

/// Real jobs get the same ports a worker process gives them.
async fn jobs_context(settings: &Settings, pool: sqlx::PgPool) -> anyhow::Result<JobContext> {
    let conn = workers::storage::connect(&settings.redis_url).await?;
    let courier = Arc::new(RedisCourier::new(conn, settings.queue_namespace.clone()));
    // Lifecycle jobs do not reach the bank; the port is there because every job context has it.
    let (bank, _) = crate::roles::bank::connect_bank(settings).await?;
    Ok(JobContext {
        pool,
        courier: courier.clone(),
        bank,
        feed: courier,
        messenger: Arc::new(workflows::notify::NoMessenger),
    })
}

pub async fn run(settings: &Settings, args: JobsBenchArgs) -> anyhow::Result<()> {
    let mut reports: Vec<JobsReport> = Vec::new();
    let poll = args.poll_ms.map_or(PoolConfig::default().poll_interval, |ms| Duration::from_millis(ms.max(1)));
    let batch = args.batch.unwrap_or_else(|| workers::pool::fetch_batch(args.concurrency));
    for kind in &args.kinds {
        for &workers in &args.workers {
            let report = match kind.as_str() {
                "noop" => {
                    bench::run(
                        &settings.redis_url,
                        "noop",
                        args.jobs,
                        workers,
                        args.concurrency,
                        batch,
                        poll,
                        None,
                        |_| None,
                    )
                    .await
                }
                "lifecycle" => {
                    let pool =
                        workflows::db::prepare(&settings.database_url, (args.concurrency * workers).min(64) as u32 + 2)
                            .await?;
                    let ids: Vec<i64> = sqlx::query_scalar(
                        "SELECT id FROM procurements WHERE status = 'active' AND deadline > now() + interval '1 hour'",
                    )
                    .fetch_all(&pool)
                    .await?;
                    if ids.is_empty() {
                        bail!("lifecycle jobs need active procurements: run `groupbuy seed` first");
                    }
                    let job =
                        move |i: usize| Some(Job::DeadlineReached { procurement_id: ids[i % ids.len()], deadline: 0 });
                    bench::run(
                        &settings.redis_url,
                        "lifecycle",
                        args.jobs,
                        workers,
                        args.concurrency,
                        batch,
                        poll,
                        Some(jobs_context(settings, pool).await?),
                        job,
                    )
                    .await
                }
                other => bail!("unknown kind '{other}': noop or lifecycle"),
            }
            .map_err(|e| anyhow!("{kind} with {workers} workers: {e}"))?;
            eprintln!("  {kind:<9} workers {workers}: {:>9.0} jobs/s", report.jobs_per_sec());
            reports.push(report);
        }
    }
    println!(
        "| kind | jobs | workers × concurrency (batch, idle poll) | enqueue | total | jobs/s | start p50 | start p99 | most held by a worker |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &reports {
        println!(
            "| {} | {} | {} × {} ({}, {} ms) | {:.2} s | {:.2} s | {:.0} | {:.1} ms | {:.1} ms | {} |",
            r.kind,
            r.jobs,
            r.workers,
            r.concurrency,
            r.batch,
            poll.as_millis(),
            r.enqueue.as_secs_f64(),
            r.total.as_secs_f64(),
            r.jobs_per_sec(),
            r.start_p50.as_secs_f64() * 1e3,
            r.start_p99.as_secs_f64() * 1e3,
            r.peak_held
        );
    }
    Ok(())
}
