//! The catalogue's version: a counter in Redis, under the installation's namespace, that goes up
//! whenever what the procurement list, search and detail show may have changed. Every write
//! through an API node increments it before it answers; workers increment it after a job that
//! moves procurements or orders. The API's brief cache of those answers serves one only while
//! the version it was read under is still the current one.

use crate::queue::{CronSchedule, Job};

/// The Redis key of the counter.
pub fn key(namespace: &str) -> String {
    format!("{namespace}:catalogue:version")
}

/// Increments the counter: after the change has committed, before whoever made it is answered.
/// Without Redis the change shows when the cached answers expire.
pub async fn bump(redis: &redis::aio::ConnectionManager, namespace: &str) {
    let mut conn = redis.clone();
    let bumped: redis::RedisResult<u64> = redis::cmd("INCR").arg(key(namespace)).query_async(&mut conn).await;
    if let Err(e) = bumped {
        tracing::warn!(error = %e, "catalogue version not incremented: cached answers show the change when they expire");
    }
}

/// Whether running `job` may change a procurement or an order as the catalogue shows them.
pub fn changed_by(job: &Job) -> bool {
    match job {
        Job::ProcurementTransition { .. }
        | Job::DeadlineReached { .. }
        | Job::PaymentDeadlineReached { .. }
        | Job::CapturePayment { .. }
        | Job::RefundPayment { .. }
        | Job::FanoutCompleted { .. } => true,
        Job::Cron { schedule, .. } => matches!(
            schedule,
            CronSchedule::DeadlineSweep | CronSchedule::PaymentDeadlineSweep | CronSchedule::SettlementSweep
        ),
        Job::PaymentRequest { .. }
        | Job::DeliverNotification { .. }
        | Job::ReconcileBank { .. }
        | Job::BankOperation { .. }
        | Job::MessengerNotification { .. }
        | Job::BroadcastTarget { .. }
        | Job::SendBulkNotification { .. }
        | Job::TrainModel { .. } => false,
    }
}
