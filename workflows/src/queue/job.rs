//! The jobs: one unit of work each, tagged by kind; the queue and task id follow from the kind.

use super::{CronSchedule, Queue};
use crate::Money;
use crate::messenger::Platform;
use crate::procurement::{ProcurementEvent, ProcurementStatus};
use serde::{Deserialize, Serialize};

/// One unit of work, tagged by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// A procurement changed state; whatever follows from it (notifications, fan-outs) happens here.
    ProcurementTransition {
        procurement_id: i64,
        from: ProcurementStatus,
        to: ProcurementStatus,
        event: ProcurementEvent,
        /// Why, as recorded in the event log.
        #[serde(default)]
        data: TransitionData,
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
    /// Send a stored notification to one messenger its person linked.
    MessengerNotification { notification_id: i64, platform: Platform },
    /// Send a broadcast to one of its targets.
    BroadcastTarget { target_id: i64 },
    /// Write a staff bulk notification's rows (one per recipient, once) and deliver them.
    SendBulkNotification { bulk_id: i64 },
    /// Train a recorded model version (queued with it, on demand or nightly).
    TrainModel { model_id: i64 },
}

/// Why a procurement stopped or was cancelled by a rule rather than by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// A join landed exactly on the stop amount.
    StopAmountReached,
    /// The deadline came with the target collected.
    Deadline,
    /// The deadline came without the target: cancelled.
    BelowTarget,
}

/// What a transition carries besides its states (all absent for a change made by hand).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<StopReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_amount: Option<Money>,
    /// The orders a cancellation cancelled, so the job tells those people (and not those who
    /// had left before) without reading the event log back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled_orders: Vec<CancelledOrder>,
}

/// An order a procurement's cancellation cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelledOrder {
    pub participant_id: i64,
    /// Whether it had been paid (its money is being refunded).
    pub paid: bool,
}

impl TransitionData {
    pub fn because(reason: StopReason) -> Self {
        Self { reason: Some(reason), ..Self::default() }
    }

    pub fn with_amounts(mut self, current: Money, target: Option<Money>) -> Self {
        self.current_amount = Some(current);
        self.target_amount = target;
        self
    }
}

/// What is fanned out, per procurement (at most once each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FanoutKind {
    /// PAYMENT: a payment request to every confirmed participant.
    PaymentRequests,
    /// COMPLETED: a capture of every paid participant's share.
    Captures,
}

impl FanoutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PaymentRequests => "payment_requests",
            Self::Captures => "captures",
        }
    }

    /// The child job for one participant.
    pub fn child(self, procurement_id: i64, participant_id: i64) -> Job {
        match self {
            Self::PaymentRequests => Job::PaymentRequest { procurement_id, participant_id },
            Self::Captures => Job::CapturePayment { participant_id },
        }
    }
}

impl Job {
    /// The queue this job runs on.
    pub fn queue(&self) -> Queue {
        match self {
            Self::ProcurementTransition { .. } | Self::FanoutCompleted { .. } => Queue::Lifecycle,
            Self::DeadlineReached { .. } | Self::PaymentDeadlineReached { .. } | Self::Cron { .. } => Queue::Lifecycle,
            Self::CapturePayment { .. } | Self::ReconcileBank { .. } | Self::BankOperation { .. } => Queue::Payments,
            Self::RefundPayment { .. } => Queue::Refunds,
            Self::PaymentRequest { .. } | Self::DeliverNotification { .. } => Queue::Notifications,
            Self::MessengerNotification { .. } | Self::SendBulkNotification { .. } => Queue::Notifications,
            Self::BroadcastTarget { .. } => Queue::Broadcasts,
            // Minutes at most, and rare: the lifecycle pool's other jobs wait on no lock it holds.
            Self::TrainModel { .. } => Queue::Lifecycle,
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
            Self::MessengerNotification { notification_id, platform } => {
                format!("messenger:notification:{notification_id}:{}", platform.as_str())
            }
            Self::BroadcastTarget { target_id } => format!("broadcast:target:{target_id}"),
            Self::SendBulkNotification { bulk_id } => format!("notification.bulk:{bulk_id}"),
            Self::TrainModel { model_id } => format!("ml.train:{model_id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_shape_is_tagged_and_round_trips() {
        let job = Job::CapturePayment { participant_id: 7 };
        let json = serde_json::to_value(&job).unwrap();
        assert_eq!(json, json!({ "kind": "capture_payment", "participant_id": 7 }));
        assert_eq!(serde_json::from_value::<Job>(json).unwrap(), job);
        assert_eq!(job.queue(), Queue::Payments);
        assert_eq!(job.task_id(), "capture:participant:7");
    }

    /// Rows queued before the payload was typed read the same.
    #[test]
    fn transitions_are_typed_and_read_what_was_queued_as_text() {
        let queued = json!({ "kind": "procurement_transition", "procurement_id": 3, "from": "active",
            "to": "stopped", "event": "stop", "data": { "reason": "stop_amount_reached", "current_amount": "100.00" } });
        let job: Job = serde_json::from_value(queued.clone()).unwrap();
        let Job::ProcurementTransition { to, event, data, .. } = &job else { panic!("{job:?}") };
        assert_eq!((*to, *event), (ProcurementStatus::Stopped, ProcurementEvent::Stop));
        assert_eq!(data.reason, Some(StopReason::StopAmountReached));
        assert_eq!(serde_json::to_value(&job).unwrap(), queued);
        let by_hand = json!({ "kind": "procurement_transition", "procurement_id": 3, "from": "stopped",
            "to": "payment", "event": "request_payment", "data": {} });
        assert!(serde_json::from_value::<Job>(by_hand).is_ok());
        let wrong = json!({ "kind": "procurement_transition", "procurement_id": 3, "from": "stopped",
            "to": "paid", "event": "request_payment" });
        assert!(serde_json::from_value::<Job>(wrong).is_err(), "states are checked when read");
    }
}
