//! `groupbuy`: the GroupBuy platform's one binary. See `groupbuy --help`.

mod bench;
mod chaos;
mod cli;
mod config;
mod roles;

use clap::Parser;
use cli::{BenchCommand, Cli, Command};

/// Thousands of sockets each keep a few small long-lived allocations while every handshake
/// passes through larger short-lived ones (hyper's 8 KiB read buffer); glibc's allocator left
/// the holes between them resident, mimalloc's size classes do not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    roles::init_tracing();
    let cli = Cli::parse();
    // A health check needs no configuration: it must answer even where the environment is partial.
    if let Some(Command::Probe(args)) = &cli.command {
        return roles::probe::run(args).await;
    }
    let settings = config::Settings::from_env()?;
    // What the crates below need from the environment, handed down once.
    workflows::failpoint::configure(settings.failpoints.clone());
    workflows::payments::configure_operator(settings.bank.operator.clone());
    workers::pool::configure_host(settings.hostname.clone());
    match cli.command.unwrap_or(Command::All) {
        Command::All => roles::serve::all(&settings).await,
        Command::Api => roles::serve::api(&settings).await,
        Command::Chat => roles::serve::chat(&settings).await,
        Command::Worker(args) => roles::worker::run(&settings, &args).await,
        Command::Scheduler => roles::scheduler::run(&settings).await,
        Command::Bot(args) => roles::bot::run(&settings, &args.platform).await,
        Command::Migrate => roles::admin::migrate(&settings).await,
        Command::Seed(args) => roles::admin::seed(&settings, &args).await,
        Command::Createsuperuser(args) => roles::admin::create_superuser(&settings, &args).await,
        Command::Token(args) => roles::admin::token(&settings, &args).await,
        Command::Jobs(command) => roles::jobs::run(&settings, command).await,
        Command::Bench(BenchCommand::Admin(args)) => bench::admin(&settings, args).await,
        Command::Bench(BenchCommand::Api(args)) => bench::api(&settings, args).await,
        Command::Bench(BenchCommand::Bot(args)) => bench::bot(&settings, args).await,
        Command::Bench(BenchCommand::Chat(args)) => bench::chat(&settings, args).await,
        Command::Bench(BenchCommand::Jobs(args)) => bench::jobs(&settings, args).await,
        Command::Bench(BenchCommand::Payments(args)) => bench::payments(&settings, args).await,
        Command::Bench(BenchCommand::Ml(args)) => bench::ml(args),
        Command::SandboxBank => roles::sandbox_bank::run(&settings).await,
        Command::Chaos(args) => chaos::run(&settings, args).await,
        Command::Doctor(args) => roles::doctor::run(&settings, args.ledger_only).await,
        Command::Probe(args) => roles::probe::run(&args).await,
    }
}
