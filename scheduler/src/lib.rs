//! The scheduler: cron schedules that queue the sweeps as jobs.
//!
//! Each tick is written to the outbox under the task id `cron:{schedule}:{tick}`; the outbox's
//! unique task id makes a tick fire exactly once however many scheduler replicas run, and the
//! relay hands it to the `lifecycle` queue. Per-procurement deadlines are delayed jobs of their
//! own; the sweeps these schedules run are the safety net behind them.

use chrono::{DateTime, Utc};
use cron::Schedule;
use sqlx::PgPool;
use std::str::FromStr;
use workflows::jobs::{CronSchedule, Job};
use workflows::outbox;

/// One configured schedule.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: CronSchedule,
    pub schedule: Schedule,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{variable}: '{expression}' is not a cron expression (6 fields, seconds first, e.g. '0 */5 * * * *'): {reason}"
)]
pub struct ScheduleError {
    pub variable: String,
    pub expression: String,
    pub reason: String,
}

/// The configuration variable that overrides a schedule: `GROUPBUY_CRON_<NAME>`.
pub fn variable(name: CronSchedule) -> String {
    format!("GROUPBUY_CRON_{}", name.as_str().to_uppercase())
}

/// The schedules: `configured` (what the binary read from the variables) or the defaults.
pub fn schedules(configured: &std::collections::HashMap<CronSchedule, String>) -> Result<Vec<Entry>, ScheduleError> {
    CronSchedule::ALL
        .iter()
        .map(|name| {
            let variable = variable(*name);
            let expression = configured.get(name).cloned().unwrap_or_else(|| name.default_expression().to_string());
            Schedule::from_str(&expression).map(|schedule| Entry { name: *name, schedule }).map_err(|e| ScheduleError {
                variable,
                expression,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Queues the tick at `at` of `name` (a no-op if any replica already did).
pub async fn fire(pool: &PgPool, name: CronSchedule, at: DateTime<Utc>) -> sqlx::Result<()> {
    let job = Job::Cron { schedule: name, tick: at.timestamp() };
    outbox::enqueue(&mut *pool.acquire().await?, &job, None).await
}

/// Runs every schedule until the process stops.
pub async fn run(pool: PgPool, entries: Vec<Entry>) {
    let mut tasks = tokio::task::JoinSet::new();
    for entry in entries {
        let pool = pool.clone();
        tasks.spawn(async move {
            tracing::info!(schedule = entry.name.as_str(), cron = %entry.schedule, "cron schedule armed");
            for tick in entry.schedule.upcoming(Utc) {
                let wait = (tick - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(wait).await;
                if let Err(e) = fire(&pool, entry.name, tick).await {
                    tracing::warn!(schedule = entry.name.as_str(), error = %e, "could not queue a cron tick");
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedules_parse_and_bad_ones_are_named() {
        let entries = schedules(&Default::default()).unwrap();
        assert_eq!(entries.len(), CronSchedule::ALL.len());
        let bad = [(CronSchedule::DeadlineSweep, "*/5 * * * *".to_string())].into();
        let refused = schedules(&bad).unwrap_err();
        assert_eq!(refused.variable, "GROUPBUY_CRON_DEADLINE_SWEEP");
        let err = Schedule::from_str("*/5 * * * *").map(|_| ()).unwrap_err();
        assert!(!err.to_string().is_empty(), "five-field crontab lines are refused");
    }
}
