//! Durable jobs: the work that happens after the request that caused it.
//!
//! A state change writes its job into the outbox in the same transaction; a relay hands it to
//! its Redis queue and worker pools run [`run`]. Delivery is at least once, so every handler is
//! safe to run twice: transitions are guarded by the expected state and money moves carry
//! idempotency keys.

pub mod admin;
mod transition;

pub use crate::queue::{CronSchedule, FanoutKind, Job, JobError, Queue, retries_before, retry_task_id};

use crate::notify::Courier;
use std::sync::Arc;

/// What a job reaches besides its payload: the database and the ports to the outside world.
#[derive(Clone)]
pub struct JobContext {
    pub pool: sqlx::PgPool,
    pub courier: Arc<dyn Courier>,
    pub bank: Arc<dyn crate::bank::Bank>,
    /// The chat rooms' fan-out, for system frames about the procurement.
    pub feed: Arc<dyn crate::chat::Feed>,
    /// People's messengers (Telegram, VK), behind the shared rate limiter;
    /// [`crate::notify::NoMessenger`] where no bot is configured.
    pub messenger: Arc<dyn crate::messenger::Messenger>,
}

/// Most items one sweep handles; the rest wait for the next tick.
const SWEEP_BATCH: i64 = 500;

/// Runs one tick of a sweep.
async fn run_cron(schedule: CronSchedule, ctx: &JobContext, tick: i64) -> Result<(), JobError> {
    let pool = &ctx.pool;
    let n = match schedule {
        CronSchedule::DeadlineSweep => crate::sweeps::sweep_deadlines(pool, SWEEP_BATCH).await?,
        CronSchedule::PaymentDeadlineSweep => crate::sweeps::sweep_payment_deadlines(pool, SWEEP_BATCH).await?,
        CronSchedule::SettlementSweep => crate::sweeps::sweep_settlements(pool, SWEEP_BATCH).await?,
        CronSchedule::DailyStatistics => {
            // The day that just ended, in the platform's time zone (Moscow).
            let moscow = chrono::FixedOffset::east_opt(3 * 3600).expect("valid offset");
            let at = chrono::DateTime::from_timestamp(tick, 0).unwrap_or_default().with_timezone(&moscow);
            let day = at.date_naive().pred_opt().unwrap_or(at.date_naive());
            crate::sweeps::daily_statistics(pool, day).await?;
            1
        }
        CronSchedule::BankReconcile => reconcile(ctx).await?,
        CronSchedule::ModelTraining => crate::analytics::train::queue_nightly(pool, tick).await?,
    };
    if n > 0 {
        tracing::info!(schedule = schedule.as_str(), items = n, "cron sweep");
    }
    Ok(())
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
            transition::on_transition(pool, *procurement_id, *to, data).await?;
            // After the notifications: a second run repeats at most this frame.
            crate::chat::status_changed(ctx.feed.as_ref(), *procurement_id, &to.to_string()).await;
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
        Job::Cron { schedule, tick } => run_cron(*schedule, ctx, *tick).await,
        Job::ReconcileBank { .. } => reconcile(ctx).await.map(|_| ()),
        Job::BankOperation { key } => Ok(crate::payments::operations::carry_out(pool, ctx.bank.as_ref(), key).await?),
        Job::CapturePayment { participant_id } => Ok(crate::settle::capture(pool, *participant_id).await?),
        Job::RefundPayment { participant_id } => Ok(crate::settle::refund(pool, *participant_id).await?),
        Job::PaymentRequest { procurement_id, participant_id } => {
            transition::request_payment(pool, *procurement_id, *participant_id).await
        }
        Job::FanoutCompleted { fanout, procurement_id } => {
            transition::fanout_completed(pool, *fanout, *procurement_id).await
        }
        Job::DeliverNotification { notification_id } => {
            Ok(crate::notify::deliver(pool, ctx.courier.as_ref(), ctx.messenger.as_ref(), *notification_id).await?)
        }
        Job::MessengerNotification { notification_id, platform } => {
            crate::notify::deliver_to_messenger(pool, ctx.messenger.as_ref(), job, *notification_id, *platform).await
        }
        Job::BroadcastTarget { target_id } => {
            crate::broadcast::deliver_target(pool, ctx.messenger.as_ref(), job, *target_id).await
        }
        Job::SendBulkNotification { bulk_id } => Ok(crate::admin::notifications::write_bulk(pool, *bulk_id).await?),
        Job::TrainModel { model_id } => Ok(crate::analytics::train::run(pool, *model_id).await?),
    }
}
