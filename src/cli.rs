//! The command line: one binary, several roles.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "groupbuy", version, about = "GroupBuy: group purchases on durable workflows")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// API, workers, scheduler and configured bots in one process (the default).
    All,
    /// Only the HTTP API.
    Api,
    /// Only the chat WebSockets (`/ws/procurement/{id}/`, `/ws/notifications/`).
    Chat,
    /// Worker pools for the given queues.
    Worker(WorkerArgs),
    /// Deadline sweeps and cron schedules.
    Scheduler,
    /// A messenger bot: `telegram` or `vk`.
    Bot(BotArgs),
    /// Create the database if missing and apply migrations.
    Migrate,
    /// Add the demo categories, users and procurements (safe to run again); with `--history N`,
    /// also N generated past procurements for the analytics to learn from.
    Seed(SeedArgs),
    /// Create a staff account (or reset its password).
    Createsuperuser(SuperuserArgs),
    /// Print a user JWT for the given user.
    Token(TokenArgs),
    /// Inspect the job queues and the dead-letter set.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// The local fake of Tochka's Cyclops bank, on SANDBOX_BANK_ADDR (default 127.0.0.1:8090).
    SandboxBank,
    /// Faults under load against an installation of its own: every accepted request accounted
    /// for, money moved once, the doctor clean; exits 1 on any discrepancy.
    Chaos(crate::chaos::ChaosArgs),
    /// Check the ledger and compare it with the bank; exits 1 on any discrepancy.
    Doctor(DoctorArgs),
    /// A container health check: GET the URL, exit 0 on a 2xx answer and 1 otherwise.
    Probe(ProbeArgs),
}

#[derive(clap::Args)]
pub struct ProbeArgs {
    /// What to ask, e.g. `http://127.0.0.1:8000/ready`.
    #[arg(default_value = "http://127.0.0.1:8000/ready")]
    pub url: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 3)]
    pub timeout: u64,
}

#[derive(clap::Args)]
pub struct SeedArgs {
    /// Past procurements to generate from the model in analytics/src/history.rs (marked generated).
    #[arg(long)]
    pub history: Option<usize>,
    /// The generator's seed (the same seed gives the same history).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(clap::Args)]
pub struct DoctorArgs {
    /// Only the ledger's own checks, without asking the bank.
    #[arg(long)]
    pub ledger_only: bool,
}

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Comma-separated queues (default: all).
    #[arg(long, value_delimiter = ',')]
    pub queues: Vec<String>,
    /// Jobs run at once per queue.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

#[derive(clap::Args)]
pub struct BotArgs {
    #[arg(value_parser = ["telegram", "vk"])]
    pub platform: String,
}

#[derive(clap::Args)]
pub struct SuperuserArgs {
    #[arg(long)]
    pub username: String,
    /// Read from GROUPBUY_PASSWORD when not given, so it stays out of shell history.
    #[arg(long, env = "GROUPBUY_PASSWORD", hide_env_values = true)]
    pub password: String,
}

#[derive(clap::Args)]
pub struct TokenArgs {
    #[arg(long)]
    pub user_id: i64,
}

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Per queue: waiting, scheduled, running, done, dead, live workers.
    Stats,
    /// Jobs that failed for good, with their last error.
    Dead {
        #[arg(long)]
        queue: String,
    },
    /// Put a dead job back on its queue.
    Retry {
        #[arg(long)]
        queue: String,
        #[arg(long)]
        task_id: String,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Staff API reads (dashboard, lists) on 100,000 users and 1,000,000 ledger entries: p50/p95/p99.
    Admin(crate::bench::AdminBenchArgs),
    /// Drive the running API over loopback and report requests/s and latency.
    Api(crate::bench::ApiBenchArgs),
    /// The Telegram bot against the fake: webhook updates/s and reply latency; a broadcast's time.
    Bot(crate::bench::BotBenchArgs),
    /// WebSocket clients in one chat room: delivery latency, server CPU per delivery, memory.
    Chat(crate::bench::ChatBenchArgs),
    /// Enqueue and process jobs through Redis with 1, 2, 4 workers; jobs/s and start latency.
    Jobs(crate::bench::JobsBenchArgs),
    /// Reconciliation throughput and capture fan-out time against an in-process sandbox bank.
    Payments(crate::bench::PaymentsBenchArgs),
    /// Analytics on generated history: metrics against the baselines, training time, latency.
    Ml(crate::bench::MlBenchArgs),
}
