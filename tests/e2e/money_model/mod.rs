//! Issue 17, part 4: money under a randomized model, in the spirit of TigerBeetle's simulator.
//!
//! Random operations (deposits through the bank, reconciliation, adjustments by a service and by
//! staff, procurements moved through their state machine, joins, leaves, order changes, payments,
//! removals, withdrawals, job drains) run against the real platform over HTTP, while jobs are
//! delivered twice, die partway and worker processes are killed. An independent model of every
//! balance predicts each answer, refusals included, and after every few operations and at the
//! end the model, the API's balances, the ledger, the bank and `groupbuy doctor` must agree.
//!
//! `MONEY_MODEL_SEED=… MONEY_MODEL_OPS=… cargo test --test e2e money_model -- --nocapture`
//! replays a run: the seed fixes every operation. Faults draw from a stream of their own, also
//! seeded, so that timing (whether a job finished before the await point its crash was drawn
//! for) can change the faults that follow but never the operations.
//! `MONEY_MODEL_KILLS` sets how many worker processes are killed (one by default, and one more
//! per 20,000 operations); `MONEY_MODEL_CHECK_EVERY` how often the views are compared.

mod check;
mod faults;
mod model;
mod ops;
mod rng;

use crate::support::TestApp;
use check::Accounts;
use std::time::{Duration, Instant};

/// The seed CI runs with.
const DEFAULT_SEED: u64 = 0x1704_2026;
/// Keeps the short form under a minute on a busy two-core machine.
const DEFAULT_OPS: u64 = 2_500;

struct Config {
    seed: u64,
    ops: u64,
    kills: u64,
    check_every: u64,
}

fn number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text}: {e}")))
}

impl Config {
    fn from_env() -> Self {
        let ops = number("MONEY_MODEL_OPS").unwrap_or(DEFAULT_OPS);
        Self {
            seed: number("MONEY_MODEL_SEED").unwrap_or(DEFAULT_SEED),
            ops,
            kills: number("MONEY_MODEL_KILLS").unwrap_or(1 + ops / 20_000),
            check_every: number("MONEY_MODEL_CHECK_EVERY").unwrap_or(250).max(1),
        }
    }

    fn replay(&self) -> String {
        format!(
            "MONEY_MODEL_SEED={:#x} MONEY_MODEL_OPS={} cargo test --test e2e money_model -- --nocapture",
            self.seed, self.ops
        )
    }
}

/// Prints how to replay the run, and its last operations, when the test fails.
struct Replay {
    command: String,
    trail: ops::Trail,
}

impl Drop for Replay {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let trail =
                self.trail.lock().map(|t| t.iter().cloned().collect::<Vec<_>>().join("\n  ")).unwrap_or_default();
            eprintln!("\nmoney model FAILED; replay with:\n  {}\nlast operations:\n  {trail}\n", self.command);
        }
    }
}

#[tokio::test]
async fn random_operations_leave_the_model_the_ledger_and_the_doctor_in_agreement() {
    let config = Config::from_env();
    println!("money model: {}", config.replay());
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let replay = Replay { command: config.replay(), trail: Default::default() };
    let mut run = ops::Runner::start(&app, config.seed, replay.trail.clone()).await;
    // Kills are spread over the run; each waits for work that settles the same in any order.
    let kill_every = config.ops / (config.kills + 1);
    let mut next_kill = kill_every;
    for n in 1..=config.ops {
        run.step().await;
        if config.kills > run.faults.injected.worker_kills.len() as u64 && n >= next_kill && run.kill_a_worker().await {
            next_kill += kill_every;
        }
        if n % config.check_every == 0 {
            // Every account at the bank now and then; those of the people acting every time.
            let accounts = if n % (10 * config.check_every) == 0 { Accounts::Every } else { Accounts::Acting };
            check::agree(&app, &run.model, &run.users(), accounts, &format!("after operation {n}")).await;
        }
    }
    run.settle().await;
    check::agree(&app, &run.model, &run.users(), Accounts::Every, "at the end").await;
    check::doctor_agrees(&app, &run.model).await;
    app.assert_ledger_consistent().await;
    report(&config, &run, started.elapsed());
    drop(replay);
}

fn report(config: &Config, run: &ops::Runner<'_>, took: Duration) {
    let load =
        std::process::Command::new("uptime").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    println!("money model passed: seed {:#x}, {} operations in {:.1} s", config.seed, config.ops, took.as_secs_f64());
    for (op, count) in &run.counts {
        println!("  {op:<9} {:>6} went through, refused: {:?}", count.ok, count.refused);
    }
    let refused: u64 = run.counts.values().flat_map(|c| c.refused.values()).sum();
    println!("  refused as the model predicted: {refused}");
    println!("  faults: {:?}", run.faults.injected);
    let m = &run.model;
    let paid_out = m.withdrawals.values().filter(|w| **w == model::Withdrawal::Succeeded).count();
    println!(
        "  end: {} procurements, {} orders, {} deposits credited, {} withdrawals ({paid_out} paid out, the rest \
         refused by the bank), {} capture transfers refused by the bank (the doctor's findings for staff)",
        m.procurements.len(),
        m.orders.len(),
        m.deposits_credited,
        m.withdrawals.len(),
        m.refused_transfers.len(),
    );
    println!("  load: {}", load.unwrap_or_default());
}
