//! Durable jobs: the work that happens after the request that caused it.
//!
//! A state change writes its job into the outbox in the same transaction; a relay hands it to
//! its Redis queue and worker pools run [`run`]. Delivery is at least once, so every handler is
//! safe to run twice: transitions are guarded by the expected state and money moves carry
//! idempotency keys.

pub mod admin;
pub mod fanout;
pub(crate) mod settle;
mod transition;

pub use fanout::FanoutKind;

use crate::notify::Courier;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::sync::Arc;

/// What a job reaches besides its payload: the database and the ports to the outside world.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub courier: Arc<dyn Courier>,
    pub bank: Arc<dyn crate::bank::Bank>,
    /// The chat rooms' fan-out, for system frames about the procurement.
    pub feed: Arc<dyn crate::chat::Feed>,
}

/// One unit of work, tagged by kind; the queue it travels on follows from the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// A procurement changed state; whatever follows from it (notifications) happens here.
    ProcurementTransition {
        procurement_id: i64,
        from: String,
        to: String,
        event: String,
        /// Why, as recorded in the event log (`{"reason": "stop_amount_reached"}`).
        #[serde(default)]
        data: serde_json::Value,
    },
    /// A procurement's deadline (as it was when queued, seconds since the epoch) has come.
    DeadlineReached { procurement_id: i64, deadline: i64 },
    /// A procurement's payment deadline (as queued) has come: unpaid orders are cancelled.
    PaymentDeadlineReached { procurement_id: i64, deadline: i64 },
    /// A cron tick (seconds since the epoch) of one of the sweeps.
    Cron { schedule: CronSchedule, tick: i64 },
    /// Move a paid participant's share from escrow to the organizer (less commission).
    CapturePayment { participant_id: i64 },
    /// Return a cancelled participant's paid share from escrow to their balance.
    RefundPayment { participant_id: i64 },
    /// One child of the payment-request fan-out: ask a confirmed participant to pay.
    PaymentRequest { procurement_id: i64, participant_id: i64 },
    /// The last child of a fan-out is done: its completion step.
    FanoutCompleted { fanout: FanoutKind, procurement_id: i64 },
    /// Hand a stored notification to the person's live channels.
    DeliverNotification { notification_id: i64 },
    /// Take up the bank's incoming payments now (Tochka's webhook says money arrived), rather
    /// than at the next cron tick; `trigger` names what asked, so one nudge runs once.
    ReconcileBank { trigger: String },
    /// Carry out a recorded movement at the bank (a payout or a transfer between accounts).
    BankOperation { key: String },
}

impl Job {
    /// The queue this job runs on.
    pub fn queue(&self) -> &'static str {
        match self {
            Self::ProcurementTransition { .. } | Self::FanoutCompleted { .. } => "lifecycle",
            Self::DeadlineReached { .. } | Self::PaymentDeadlineReached { .. } | Self::Cron { .. } => "lifecycle",
            Self::CapturePayment { .. } | Self::ReconcileBank { .. } | Self::BankOperation { .. } => "payments",
            Self::RefundPayment { .. } => "refunds",
            Self::PaymentRequest { .. } | Self::DeliverNotification { .. } => "notifications",
        }
    }

    /// The job's kind, as tagged on the wire (`capture_payment`).
    pub fn kind(&self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v["kind"].as_str().map(str::to_string)).unwrap_or_default()
    }

    /// Deterministic per business operation: pushing the same job twice collapses.
    pub fn task_id(&self) -> String {
        match self {
            Self::ProcurementTransition { procurement_id, to, .. } => format!("procurement.{to}:{procurement_id}"),
            Self::DeadlineReached { procurement_id, deadline } => format!("deadline:{procurement_id}:{deadline}"),
            Self::PaymentDeadlineReached { procurement_id, deadline } => {
                format!("payment_deadline:{procurement_id}:{deadline}")
            }
            Self::Cron { schedule, tick } => format!("cron:{}:{tick}", schedule.as_str()),
            Self::CapturePayment { participant_id } => format!("capture:participant:{participant_id}"),
            Self::RefundPayment { participant_id } => format!("refund:participant:{participant_id}"),
            Self::PaymentRequest { participant_id, .. } => format!("payment_request:participant:{participant_id}"),
            Self::FanoutCompleted { fanout, procurement_id } => {
                format!("fanout.{}:{procurement_id}:done", fanout.as_str())
            }
            Self::DeliverNotification { notification_id } => format!("deliver:notification:{notification_id}"),
            Self::ReconcileBank { trigger } => format!("reconcile:{trigger}"),
            Self::BankOperation { key } => format!("bank:{key}"),
        }
    }
}

/// The task id of the `retry`-th retry of the run whose task id is `current`: the run's own id
/// (a relayed id, or one staff re-queued) with its retry count replaced.
pub fn retry_task_id(current: &str, retry: usize) -> String {
    let root = match current.rsplit_once("~r") {
        Some((root, n)) if n.parse::<usize>().is_ok() => root,
        _ => current,
    };
    format!("{root}~r{retry}")
}

/// How many retries a task id says came before it (0 for a first run).
pub fn retries_before(task_id: &str) -> usize {
    task_id.rsplit_once("~r").and_then(|(_, n)| n.parse().ok()).unwrap_or(0)
}

/// The periodic sweeps, each on its own cron schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CronSchedule {
    DeadlineSweep,
    PaymentDeadlineSweep,
    SettlementSweep,
    DailyStatistics,
    BankReconcile,
}

/// Most items one sweep handles; the rest wait for the next tick.
const SWEEP_BATCH: i64 = 500;

impl CronSchedule {
    pub const ALL: [CronSchedule; 5] = [
        Self::DeadlineSweep,
        Self::PaymentDeadlineSweep,
        Self::SettlementSweep,
        Self::DailyStatistics,
        Self::BankReconcile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeadlineSweep => "deadline_sweep",
            Self::PaymentDeadlineSweep => "payment_deadline_sweep",
            Self::SettlementSweep => "settlement_sweep",
            Self::DailyStatistics => "daily_statistics",
            Self::BankReconcile => "bank_reconcile",
        }
    }

    /// Six fields, seconds first (the `cron` crate's format).
    pub fn default_expression(self) -> &'static str {
        match self {
            Self::DeadlineSweep => "*/10 * * * * *",
            Self::PaymentDeadlineSweep => "0 * * * * *",
            Self::SettlementSweep => "0 */5 * * * *",
            Self::DailyStatistics => "0 5 0 * * *",
            // Incoming money must be identified within about 30 minutes, or the bank retypes it.
            Self::BankReconcile => "*/15 * * * * *",
        }
    }

    async fn run(self, ctx: &JobContext, tick: i64) -> Result<(), JobError> {
        let pool = &ctx.pool;
        let n = match self {
            Self::DeadlineSweep => crate::sweeps::sweep_deadlines(pool, SWEEP_BATCH).await?,
            Self::PaymentDeadlineSweep => crate::sweeps::sweep_payment_deadlines(pool, SWEEP_BATCH).await?,
            Self::SettlementSweep => crate::sweeps::sweep_settlements(pool, SWEEP_BATCH).await?,
            Self::DailyStatistics => {
                // The day that just ended, in the platform's time zone (Moscow).
                let moscow = chrono::FixedOffset::east_opt(3 * 3600).expect("valid offset");
                let at = chrono::DateTime::from_timestamp(tick, 0).unwrap_or_default().with_timezone(&moscow);
                let day = at.date_naive().pred_opt().unwrap_or(at.date_naive());
                crate::sweeps::daily_statistics(pool, day).await?;
                1
            }
            Self::BankReconcile => reconcile(ctx).await?,
        };
        if n > 0 {
            tracing::info!(schedule = self.as_str(), items = n, "cron sweep");
        }
        Ok(())
    }
}

/// Why a job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt (a database hiccup, a lock timeout).
    #[error("retryable: {0}")]
    Retry(String),
    /// Will never succeed: straight to the dead-letter set.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<crate::DomainError> for JobError {
    fn from(err: crate::DomainError) -> Self {
        match err {
            crate::DomainError::Database(e) => Self::Retry(e.to_string()),
            other => Self::Permanent(other.to_string()),
        }
    }
}

impl From<crate::bank::BankError> for JobError {
    fn from(err: crate::bank::BankError) -> Self {
        if err.is_retryable() { Self::Retry(format!("bank: {err}")) } else { Self::Permanent(format!("bank: {err}")) }
    }
}

impl From<sqlx::Error> for JobError {
    fn from(err: sqlx::Error) -> Self {
        Self::from(crate::DomainError::from(err))
    }
}

async fn reconcile(ctx: &JobContext) -> Result<usize, JobError> {
    let done = crate::payments::reconcile::reconcile(&ctx.pool, ctx.bank.as_ref()).await?;
    if done.unmatched > 0 {
        tracing::warn!(unmatched = done.unmatched, "incoming payments flagged for staff");
    }
    Ok(done.identified)
}

/// Runs one job to completion.
pub async fn run(ctx: &JobContext, job: &Job) -> Result<(), JobError> {
    let pool = &ctx.pool;
    if crate::failpoint::fails(|| format!("job.{}", job.kind())) {
        return Err(JobError::Retry("failpoint".into()));
    }
    match job {
        Job::ProcurementTransition { procurement_id, to, data, .. } => {
            transition::on_transition(pool, *procurement_id, to, data).await?;
            // After the notifications: a second run repeats at most this frame.
            crate::chat::status_changed(ctx.feed.as_ref(), *procurement_id, to).await;
            Ok(())
        }
        Job::DeadlineReached { procurement_id, .. } => {
            crate::procurement::reach_deadline(pool, *procurement_id, chrono::Utc::now()).await?;
            Ok(())
        }
        Job::PaymentDeadlineReached { procurement_id, .. } => {
            crate::procurement::reach_payment_deadline(pool, *procurement_id, chrono::Utc::now()).await?;
            Ok(())
        }
        Job::Cron { schedule, tick } => schedule.run(ctx, *tick).await,
        Job::ReconcileBank { .. } => reconcile(ctx).await.map(|_| ()),
        Job::BankOperation { key } => crate::payments::operations::carry_out(pool, ctx.bank.as_ref(), key).await,
        Job::CapturePayment { participant_id } => settle::capture(pool, *participant_id).await,
        Job::RefundPayment { participant_id } => settle::refund(pool, *participant_id).await,
        Job::PaymentRequest { procurement_id, participant_id } => {
            transition::request_payment(pool, *procurement_id, *participant_id).await
        }
        Job::FanoutCompleted { fanout, procurement_id } => {
            transition::fanout_completed(pool, *fanout, *procurement_id).await
        }
        Job::DeliverNotification { notification_id } => {
            crate::notify::deliver(pool, ctx.courier.as_ref(), *notification_id).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_is_tagged_and_round_trips() {
        let job = Job::CapturePayment { participant_id: 7 };
        let json = serde_json::to_value(&job).unwrap();
        assert_eq!(json, serde_json::json!({ "kind": "capture_payment", "participant_id": 7 }));
        assert_eq!(serde_json::from_value::<Job>(json).unwrap(), job);
        assert_eq!(job.queue(), "payments");
        assert_eq!(job.task_id(), "capture:participant:7");
    }

    #[test]
    fn retry_ids_count_the_retries_before_them() {
        assert_eq!(retries_before("capture:participant:7"), 0);
        let third = retry_task_id("capture:participant:7", 3);
        assert_eq!(third, "capture:participant:7~r3");
        assert_eq!(retries_before(&third), 3);
        assert_eq!(retry_task_id(&third, 4), "capture:participant:7~r4");
        assert_eq!(retry_task_id("capture:participant:7~m17", 1), "capture:participant:7~m17~r1");
        assert_eq!(retries_before("capture:participant:7~m17"), 0);
        assert_eq!(retries_before("cron:deadline_sweep:1700000000"), 0);
    }
}
