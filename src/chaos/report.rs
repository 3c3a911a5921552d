//! One row per fault: what the load asked and was told, what the workers finished, what money
//! was checked against the bank, how long the platform took to answer again and to settle, and
//! every discrepancy found. Printed as Markdown, ready for bench/RESULTS.md.

use super::client::Tally;
use super::faults::Fault;
use std::time::Duration;
use workflows::Money;

pub struct Row {
    pub fault: Fault,
    pub what: String,
    pub tally: Tally,
    /// Jobs finished in the round; `false` when Redis lost its counts midway (then only those
    /// since are counted).
    pub jobs: (u64, bool),
    /// Orders captured and refunded in the round, and what was captured, refunded and deposited.
    pub settled: Settled,
    /// All the money the accounts were checked for, and how many accounts.
    pub money: (Money, usize),
    /// Chat messages stored in the round's room, and the chatters that received all of them.
    pub chat: (usize, usize, usize),
    /// Processes that exited by themselves and were started again by the supervisor.
    pub restarts: Vec<String>,
    pub answered_again_in: Option<Duration>,
    /// From the load's end to every check passing.
    pub settled_in: Option<Duration>,
    pub doctor: String,
    pub problems: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Settled {
    pub captures: usize,
    pub refunds: usize,
    pub captured: Money,
    pub refunded: Money,
    pub deposited: Money,
}

pub fn print(rows: &[Row], took: Duration, load_before: &str, load_after: &str) {
    println!();
    println!(
        "| fault | requests accepted / refused / unanswered | jobs finished | captures / refunds (amounts); deposits | money checked against the bank's books | chat messages (chatters with all) | answered again | settled after the load | result |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        let t = &row.tally;
        let refused: Vec<String> = t
            .refused
            .iter()
            .map(|((status, code), n)| format!("{n}×{status} {}", if code.is_empty() { "-" } else { code }))
            .collect();
        let refused = if refused.is_empty() {
            "0".to_string()
        } else {
            format!("{} ({})", t.refused_total(), refused.join(", "))
        };
        let jobs =
            if row.jobs.1 { row.jobs.0.to_string() } else { format!("{} (since Redis came back empty)", row.jobs.0) };
        let seconds = |d: Option<Duration>| d.map_or("—".to_string(), |d| format!("{:.2} s", d.as_secs_f64()));
        let result = if row.problems.is_empty() {
            "clean".to_string()
        } else {
            format!("**{} discrepancies**", row.problems.len())
        };
        println!(
            "| {} | {} / {refused} / {} | {jobs} | {} / {} ({} / {}); {} | {} on {} accounts | {} ({}/{}) | {} | {} | {result} |",
            row.fault.name(),
            t.accepted,
            t.unanswered,
            row.settled.captures,
            row.settled.refunds,
            row.settled.captured,
            row.settled.refunded,
            row.settled.deposited,
            row.money.0,
            row.money.1,
            row.chat.0,
            row.chat.1,
            row.chat.2,
            seconds(row.answered_again_in),
            seconds(row.settled_in),
        );
    }
    println!();
    for row in rows {
        println!("- **{}**: {}. Doctor: {}", row.fault.name(), row.what, row.doctor.lines().next().unwrap_or("—"));
        if !row.restarts.is_empty() {
            println!("  - exited by themselves and started again by the supervisor: {}", row.restarts.join(", "));
        }
        for why in &row.tally.unanswered_why {
            println!("  - unanswered: {why}");
        }
        for problem in &row.problems {
            println!("  - {problem}");
        }
    }
    println!();
    println!(
        "{} faults in {:.0} s; load average before {load_before}, after {load_after}",
        rows.len(),
        took.as_secs_f64()
    );
}
