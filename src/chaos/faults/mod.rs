//! The faults, one file each. A fault is staged while the load runs, lasts a while, and is
//! healed; what it saw meanwhile (answers the platform should not give) comes back with it.

mod api_kill;
mod bank_outage;
mod postgres_restart;
mod redis_loss;
mod worker_kill;

use super::cluster::Cluster;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Fault {
    /// SIGKILL to a worker in the middle of captures and refunds.
    WorkerKill,
    /// Redis killed and started again from its append-only file.
    RedisRestart,
    /// Redis killed and started again with nothing (its file gone).
    RedisLost,
    /// PostgreSQL stopped for a while and started again.
    PostgresRestart,
    /// The bank timing out, then failing, for a while.
    BankOutage,
    /// SIGKILL to an API process with chat sockets open.
    ApiKill,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::WorkerKill,
        Fault::RedisRestart,
        Fault::RedisLost,
        Fault::PostgresRestart,
        Fault::BankOutage,
        Fault::ApiKill,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::WorkerKill => "worker kill -9 mid-settlement",
            Fault::RedisRestart => "Redis restarted (AOF)",
            Fault::RedisLost => "Redis lost entirely",
            Fault::PostgresRestart => "PostgreSQL restarted",
            Fault::BankOutage => "bank timing out and failing",
            Fault::ApiKill => "API kill -9 with sockets open",
        }
    }

    /// What the fault needs in place before the load starts.
    pub async fn prepare(self, cluster: &Cluster) -> anyhow::Result<()> {
        match self {
            Fault::WorkerKill => worker_kill::prepare(cluster).await,
            _ => Ok(()),
        }
    }

    /// Stages the fault, lets it last `outage`, heals it. `person` is someone of the run that
    /// probes may write to.
    pub async fn inject(self, cluster: &Cluster, outage: Duration, person: i64) -> anyhow::Result<Injected> {
        match self {
            Fault::WorkerKill => worker_kill::inject(cluster, outage).await,
            Fault::RedisRestart => redis_loss::inject(cluster, outage, false).await,
            Fault::RedisLost => redis_loss::inject(cluster, outage, true).await,
            Fault::PostgresRestart => postgres_restart::inject(cluster, outage, person).await,
            Fault::BankOutage => bank_outage::inject(cluster, outage).await,
            Fault::ApiKill => api_kill::inject(cluster, outage).await,
        }
    }
}

/// What a fault did and saw.
pub struct Injected {
    /// For the report.
    pub what: String,
    /// How long after the fault was healed the platform answered again, where the fault
    /// measures that itself.
    pub answered_again_in: Option<Duration>,
    /// Promises broken while it lasted.
    pub problems: Vec<String>,
}

/// A fault that hit nothing worth hitting (no job in flight, no answer lost) proves less than
/// the round claims: that is reported like a discrepancy, so a weak round cannot pass unseen.
pub fn unless_it_hit(hit: bool, missed: &str) -> Vec<String> {
    if hit { Vec::new() } else { vec![format!("{missed}: the round proves less than it should")] }
}
