//! The procurement state machine: DRAFT → ACTIVE → STOPPED → PAYMENT → COMPLETED, and CANCELLED
//! from any state that is not final.

use crate::transition::{IllegalTransition, StateMachine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcurementStatus {
    Draft,
    Active,
    Stopped,
    Payment,
    Completed,
    Cancelled,
}

/// What can happen to a procurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcurementEvent {
    /// The organizer opens a draft for joining.
    Publish,
    /// Collection ends: by hand, at the deadline, or when the stop amount is reached.
    Stop,
    /// The organizer asks participants to pay.
    RequestPayment,
    /// Goods bought and handed over; escrow is captured.
    Complete,
    /// Called off; paid participants are refunded.
    Cancel,
}

impl ProcurementStatus {
    pub const ALL: [ProcurementStatus; 6] =
        [Self::Draft, Self::Active, Self::Stopped, Self::Payment, Self::Completed, Self::Cancelled];

    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }

    pub fn display(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Active => "Active",
            Self::Stopped => "Stopped",
            Self::Payment => "Payment in Progress",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
        }
    }
}

impl StateMachine for ProcurementStatus {
    type Event = ProcurementEvent;

    fn on(self, event: ProcurementEvent) -> Result<ProcurementStatus, IllegalTransition> {
        use ProcurementEvent::*;
        use ProcurementStatus::*;
        let next = match (self, event) {
            (Draft, Publish) => Active,
            (Active, Stop) => Stopped,
            (Stopped, RequestPayment) => Payment,
            (Payment, Complete) => Completed,
            (Draft | Active | Stopped | Payment, Cancel) => Cancelled,
            _ => return Err(IllegalTransition::new(self, event.target())),
        };
        Ok(next)
    }

    fn reached_by(self) -> Option<ProcurementEvent> {
        use ProcurementEvent::*;
        match self {
            Self::Draft => None,
            Self::Active => Some(Publish),
            Self::Stopped => Some(Stop),
            Self::Payment => Some(RequestPayment),
            Self::Completed => Some(Complete),
            Self::Cancelled => Some(Cancel),
        }
    }
}

impl ProcurementEvent {
    pub fn name(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Stop => "stop",
            Self::RequestPayment => "request_payment",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }

    fn target(self) -> ProcurementStatus {
        match self {
            Self::Publish => ProcurementStatus::Active,
            Self::Stop => ProcurementStatus::Stopped,
            Self::RequestPayment => ProcurementStatus::Payment,
            Self::Complete => ProcurementStatus::Completed,
            Self::Cancel => ProcurementStatus::Cancelled,
        }
    }
}

crate::transition::named_enum!(ProcurementStatus, "procurement" {
    Draft => "draft",
    Active => "active",
    Stopped => "stopped",
    Payment => "payment",
    Completed => "completed",
    Cancelled => "cancelled",
});

#[cfg(test)]
mod tests {
    use super::ProcurementStatus::*;
    use super::*;
    use crate::transition::StateName;

    /// Every (from, to) pair: exactly these are legal.
    #[test]
    fn transition_table_for_every_pair() {
        let legal = [
            (Draft, Active),
            (Draft, Cancelled),
            (Active, Stopped),
            (Active, Cancelled),
            (Stopped, Payment),
            (Stopped, Cancelled),
            (Payment, Completed),
            (Payment, Cancelled),
        ];
        for from in ProcurementStatus::ALL {
            for to in ProcurementStatus::ALL {
                let result = from.transition_to(to);
                if legal.contains(&(from, to)) {
                    let event = result.unwrap_or_else(|e| panic!("{from:?} -> {to:?}: {e}"));
                    assert_eq!(from.on(event), Ok(to));
                } else {
                    let err = result.expect_err(&format!("{from:?} -> {to:?} must be illegal"));
                    assert!(err.to_string().contains(from.as_str()), "{err}");
                    assert!(err.to_string().contains(to.as_str()), "{err}");
                }
            }
        }
    }

    #[test]
    fn final_states_accept_nothing() {
        for event in [
            ProcurementEvent::Publish,
            ProcurementEvent::Stop,
            ProcurementEvent::RequestPayment,
            ProcurementEvent::Complete,
            ProcurementEvent::Cancel,
        ] {
            assert!(Completed.on(event).is_err());
            assert!(Cancelled.on(event).is_err());
        }
    }
}
