//! `groupbuy chaos`: faults survived under load. Starts an installation of its own (PostgreSQL,
//! Redis, the sandbox bank, two API processes, two workers, the scheduler), registers people
//! through the API and pays their first deposits in at the bank, then for each fault: runs a
//! mixed load (procurements driven through joins, payments, captures and refunds; chat over
//! WebSockets; notifications; deposits), stages the fault midway, heals it, waits for the
//! platform to settle and checks that every accepted request is reflected, no refused one left
//! anything behind, every job ran, money moved exactly once by the bank's own books, and
//! `groupbuy doctor` is clean. Prints a table; exits non-zero on any discrepancy.

mod bank;
mod checks;
mod client;
mod cluster;
mod faults;
mod load;
mod people;
mod postgres;
mod record;
mod redis_server;
mod report;
mod roles;

use crate::config::Settings;
use anyhow::Context;
use faults::Fault;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct ChaosArgs {
    /// The CI form: every fault briefly, with a lighter load (about three minutes on two cores).
    #[arg(long)]
    pub short: bool,
    /// Only these faults, in this order (comma-separated; all by default).
    #[arg(long, value_delimiter = ',', value_enum)]
    pub faults: Vec<Fault>,
    /// Keep the installation's directory (every process's log, the database, Redis's file).
    #[arg(long)]
    pub keep: bool,
    /// PostgreSQL's programs (initdb, pg_ctl); the newest under /usr/lib/postgresql by default.
    #[arg(long)]
    pub pg_bin: Option<PathBuf>,
}

/// How long and how heavy.
struct Pace {
    /// Load before the fault is staged.
    lead: Duration,
    /// The least load per round (the fault may make it longer).
    load: Duration,
    /// How long a process or server stays down.
    outage: Duration,
    /// How long the bank misbehaves.
    bank_outage: Duration,
    /// How long the platform may take to settle after the fault is healed.
    settle: Duration,
    organizers: usize,
    buyers: usize,
    shape: load::Shape,
}

impl Pace {
    fn of(short: bool) -> Self {
        if short {
            Pace {
                lead: Duration::from_secs(3),
                load: Duration::from_secs(10),
                outage: Duration::from_secs(5),
                bank_outage: Duration::from_secs(10),
                settle: Duration::from_secs(120),
                organizers: 2,
                buyers: 8,
                shape: load::Shape { lifecycles: 2, buyers_per_procurement: 3, chatters: 4 },
            }
        } else {
            Pace {
                lead: Duration::from_secs(15),
                load: Duration::from_secs(75),
                outage: Duration::from_secs(15),
                bank_outage: Duration::from_secs(60),
                settle: Duration::from_secs(300),
                organizers: 4,
                buyers: 24,
                shape: load::Shape { lifecycles: 3, buyers_per_procurement: 5, chatters: 8 },
            }
        }
    }

    fn outage_of(&self, fault: Fault) -> Duration {
        match fault {
            Fault::BankOutage => self.bank_outage,
            _ => self.outage,
        }
    }
}

pub async fn run(settings: &Settings, args: ChaosArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let load_before = load_average();
    let pace = Pace::of(args.short);
    let faults = if args.faults.is_empty() { Fault::ALL.to_vec() } else { args.faults.clone() };
    let cluster = cluster::Cluster::start(args.pg_bin.clone()).await?;
    // Interrupted, it still stops what it started (PostgreSQL would outlive it otherwise).
    let outcome = tokio::select! {
        outcome = rounds(&cluster, &pace, &faults, &settings.bank.operator.inn) => outcome,
        _ = crate::roles::shutdown_signal() => Err(anyhow::anyhow!("interrupted")),
    };
    cluster
        .shut_down(args.keep || outcome.as_ref().map_or(true, |rows| rows.iter().any(|r| !r.problems.is_empty())))
        .await;
    let rows = outcome?;
    report::print(&rows, started.elapsed(), &load_before, &load_average());
    let discrepancies: usize = rows.iter().map(|r| r.problems.len()).sum();
    if discrepancies > 0 {
        anyhow::bail!("{discrepancies} discrepancies (the installation's directory is kept for its logs)");
    }
    Ok(())
}

async fn rounds(
    cluster: &cluster::Cluster,
    pace: &Pace,
    faults: &[Fault],
    operator_inn: &str,
) -> anyhow::Result<Vec<report::Row>> {
    let people = Arc::new(
        people::People::register(&cluster.api, &cluster.bank, |id| cluster.token(id), pace.organizers, pace.buyers)
            .await
            .context("registering the run's people")?,
    );
    let setup = cluster.api.take_tally();
    anyhow::ensure!(setup.broken.is_empty(), "before any fault: {:?}", setup.broken);
    let mut plan = checks::Plan::new(pace.buyers, pace.organizers);
    let mut rows = Vec::new();
    for (n, fault) in faults.iter().copied().enumerate() {
        eprintln!("chaos: {} under load", fault.name());
        let row = round(cluster, pace, &people, &mut plan, n + 1, fault, operator_inn).await?;
        eprintln!("chaos: {}: {}", fault.name(), if row.problems.is_empty() { "clean" } else { "DISCREPANCIES" });
        for problem in &row.problems {
            eprintln!("  - {problem}");
        }
        rows.push(row);
    }
    Ok(rows)
}

async fn round(
    cluster: &cluster::Cluster,
    pace: &Pace,
    people: &Arc<people::People>,
    plan: &mut checks::Plan,
    n: usize,
    fault: Fault,
    operator_inn: &str,
) -> anyhow::Result<report::Row> {
    fault.prepare(cluster).await?;
    let since = chrono::Utc::now() - chrono::Duration::seconds(1);
    let before = cluster.queues().await?;
    cluster.api.take_tally();
    let record = Arc::new(Mutex::new(record::RoundRecord::default()));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let world = load::World {
        api: cluster.api.clone(),
        people: people.clone(),
        bank: cluster.bank.clone(),
        record: record.clone(),
        round: n,
        stop: stopping,
    };
    let load_started = Instant::now();
    let mut load = load::Load::start(world, pace.shape, stop).await?;
    tokio::time::sleep(pace.lead).await;
    let mut problems = Vec::new();
    let injected = match fault.inject(cluster, pace.outage_of(fault), people.organizers[0].id).await {
        Ok(injected) => injected,
        Err(e) => {
            problems.push(format!("staging the fault failed: {e:#}"));
            faults::Injected { what: "not staged".into(), answered_again_in: None, problems: Vec::new() }
        }
    };
    problems.extend(injected.problems.iter().cloned());
    if let Some(left) = pace.load.checked_sub(load_started.elapsed()) {
        tokio::time::sleep(left).await;
    }
    load.finish().await;
    let load_ended = Instant::now();
    let snapshot = record.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let round = checks::Round {
        cluster,
        people,
        record: &snapshot,
        chat: &load.chat,
        plan: plan.with(&snapshot),
        operator_inn: operator_inn.to_string(),
        since,
        dead_before: before.iter().map(|q| (q.queue.clone(), q.dead)).collect(),
        notifications: Default::default(),
    };
    // Timed from the load's end: until then the load keeps adding work to settle.
    let mut settled_in = None;
    while load_ended.elapsed() < pace.settle {
        if round.examine(false).await.is_empty() {
            settled_in = Some(load_ended.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    problems.extend(round.examine(true).await);
    let (clean, said) = cluster.doctor().await?;
    if !clean {
        problems.push(format!("groupbuy doctor: {said}"));
    }
    let after = cluster.queues().await?;
    let chat = {
        let stored =
            round.chat.chatters.first().map_or(0, |c| c.heard.lock().unwrap_or_else(|e| e.into_inner()).received.len());
        let everything = round
            .chat
            .chatters
            .iter()
            .filter(|c| c.heard.lock().unwrap_or_else(|e| e.into_inner()).received.len() == stored)
            .count();
        (stored, everything, round.chat.chatters.len())
    };
    let answered_again_in = match fault {
        // Its clients' answer: how long the slowest took to be back in the room.
        Fault::ApiKill => {
            let reconnected = round
                .chat
                .chatters
                .iter()
                .filter_map(|c| c.heard.lock().unwrap_or_else(|e| e.into_inner()).reconnections.iter().max().copied())
                .max();
            problems
                .extend(faults::unless_it_hit(reconnected.is_some(), "no chat socket was on the killed API process"));
            reconnected
        }
        _ => injected.answered_again_in,
    };
    let settled = settled(&snapshot, plan, &round.plan);
    *plan = round.plan.clone();
    drop(round);
    load.end().await;
    let tally = cluster.api.take_tally();
    problems.extend(tally.broken.iter().cloned());
    let restarts =
        cluster.roles.exits_since(load_started).iter().map(|e| format!("{} ({})", e.role, e.status)).collect();
    Ok(report::Row {
        fault,
        what: injected.what,
        jobs: jobs_finished(&before, &after),
        settled,
        restarts,
        money: (plan.total(), plan.accounts()),
        chat,
        answered_again_in,
        settled_in,
        doctor: said,
        tally,
        problems,
    })
}

/// What the round captured, refunded and deposited.
fn settled(record: &record::RoundRecord, before: &checks::Plan, after: &checks::Plan) -> report::Settled {
    let ended = |ending: record::Ending| {
        let orders = record.cycles.iter().filter(move |c| c.ending == Some(ending)).flat_map(|c| &c.orders);
        checks::sum(orders.map(|o| o.amount))
    };
    report::Settled {
        captures: after.captures - before.captures,
        refunds: after.refunds - before.refunds,
        captured: ended(record::Ending::Completed),
        refunded: ended(record::Ending::Cancelled),
        deposited: checks::sum(record.deposits.iter().map(|d| d.amount)),
    }
}

/// Jobs finished between two looks at the queues, and whether the count is whole (Redis lost
/// with its counts restarts them from zero).
fn jobs_finished(before: &[cluster::QueueState], after: &[cluster::QueueState]) -> (u64, bool) {
    let done = |states: &[cluster::QueueState]| states.iter().map(|q| q.done + q.dead).sum::<u64>();
    let (before, after) = (done(before), done(after));
    if after >= before { (after - before, true) } else { (after, false) }
}

/// A free port on the loopback interface.
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits (polling every 200 ms) until `check` holds, for at most `limit`.
async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("timed out after {} s waiting for {what}", limit.as_secs())
}

/// The machine's load average (1, 5, 15 minutes), as `uptime` shows it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
