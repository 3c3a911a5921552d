//! Durable jobs: the work that happens after the request that caused it.
//!
//! A state change writes its job into the outbox in the same transaction; a relay hands it to
//! its Redis queue and worker pools run [`run`]. Delivery is at least once, so every handler is
//! safe to run twice: transitions are guarded by the expected state and money moves carry
//! idempotency keys.

pub mod admin;
mod settle;
mod transition;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

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
    /// Move a paid participant's share from escrow to the organizer (less commission).
    CapturePayment { participant_id: i64 },
    /// Return a cancelled participant's paid share from escrow to their balance.
    RefundPayment { participant_id: i64 },
}

impl Job {
    /// The queue this job runs on.
    pub fn queue(&self) -> &'static str {
        match self {
            Self::ProcurementTransition { .. } => "lifecycle",
            Self::DeadlineReached { .. } | Self::PaymentDeadlineReached { .. } => "lifecycle",
            Self::CapturePayment { .. } => "payments",
            Self::RefundPayment { .. } => "refunds",
        }
    }

    /// Deterministic per business operation: pushing the same job twice collapses.
    pub fn task_id(&self) -> String {
        match self {
            Self::ProcurementTransition { procurement_id, to, .. } => format!("procurement.{to}:{procurement_id}"),
            Self::DeadlineReached { procurement_id, deadline } => format!("deadline:{procurement_id}:{deadline}"),
            Self::PaymentDeadlineReached { procurement_id, deadline } => {
                format!("payment_deadline:{procurement_id}:{deadline}")
            }
            Self::CapturePayment { participant_id } => format!("capture:participant:{participant_id}"),
            Self::RefundPayment { participant_id } => format!("refund:participant:{participant_id}"),
        }
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

impl From<sqlx::Error> for JobError {
    fn from(err: sqlx::Error) -> Self {
        Self::from(crate::DomainError::from(err))
    }
}

/// Runs one job to completion.
pub async fn run(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    match job {
        Job::ProcurementTransition { procurement_id, to, data, .. } => {
            transition::on_transition(pool, *procurement_id, to, data).await
        }
        Job::DeadlineReached { procurement_id, .. } => {
            crate::procurement::reach_deadline(pool, *procurement_id, chrono::Utc::now()).await?;
            Ok(())
        }
        Job::PaymentDeadlineReached { procurement_id, .. } => {
            crate::procurement::reach_payment_deadline(pool, *procurement_id, chrono::Utc::now()).await?;
            Ok(())
        }
        Job::CapturePayment { participant_id } => settle::capture(pool, *participant_id).await,
        Job::RefundPayment { participant_id } => settle::refund(pool, *participant_id).await,
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
}
