//! The participant state machine: PENDING → CONFIRMED → PAID → DELIVERED, or CANCELLED from any
//! state that is not final.

use crate::transition::{IllegalTransition, StateMachine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParticipantStatus {
    Pending,
    Confirmed,
    Paid,
    Delivered,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantEvent {
    /// The organizer accepts the order.
    Confirm,
    /// The share was paid into the procurement's escrow.
    Pay,
    /// The goods were handed over.
    Deliver,
    /// The participant left or was removed; a paid share is refunded.
    Cancel,
}

impl ParticipantStatus {
    pub const ALL: [ParticipantStatus; 5] =
        [Self::Pending, Self::Confirmed, Self::Paid, Self::Delivered, Self::Cancelled];

    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Cancelled)
    }

    pub fn display(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Confirmed => "Confirmed",
            Self::Paid => "Paid",
            Self::Delivered => "Delivered",
            Self::Cancelled => "Cancelled",
        }
    }
}

impl StateMachine for ParticipantStatus {
    type Event = ParticipantEvent;

    fn on(self, event: ParticipantEvent) -> Result<ParticipantStatus, IllegalTransition> {
        use ParticipantEvent::*;
        use ParticipantStatus::*;
        let next = match (self, event) {
            (Pending, Confirm) => Confirmed,
            (Confirmed, Pay) => Paid,
            (Paid, Deliver) => Delivered,
            (Pending | Confirmed | Paid, Cancel) => Cancelled,
            _ => return Err(IllegalTransition::new(self, event.target())),
        };
        Ok(next)
    }

    fn reached_by(self) -> Option<ParticipantEvent> {
        use ParticipantEvent::*;
        match self {
            Self::Pending => None,
            Self::Confirmed => Some(Confirm),
            Self::Paid => Some(Pay),
            Self::Delivered => Some(Deliver),
            Self::Cancelled => Some(Cancel),
        }
    }
}

impl ParticipantEvent {
    pub fn name(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Pay => "pay",
            Self::Deliver => "deliver",
            Self::Cancel => "cancel",
        }
    }

    fn target(self) -> ParticipantStatus {
        match self {
            Self::Confirm => ParticipantStatus::Confirmed,
            Self::Pay => ParticipantStatus::Paid,
            Self::Deliver => ParticipantStatus::Delivered,
            Self::Cancel => ParticipantStatus::Cancelled,
        }
    }
}

crate::transition::named_enum!(ParticipantStatus, "participant" {
    Pending => "pending",
    Confirmed => "confirmed",
    Paid => "paid",
    Delivered => "delivered",
    Cancelled => "cancelled",
});

#[cfg(test)]
mod tests {
    use super::ParticipantStatus::*;
    use super::*;
    use crate::transition::StateName;

    #[test]
    fn transition_table_for_every_pair() {
        let legal = [
            (Pending, Confirmed),
            (Pending, Cancelled),
            (Confirmed, Paid),
            (Confirmed, Cancelled),
            (Paid, Delivered),
            (Paid, Cancelled),
        ];
        for from in ParticipantStatus::ALL {
            for to in ParticipantStatus::ALL {
                match from.transition_to(to) {
                    Ok(event) => {
                        assert!(legal.contains(&(from, to)), "{from:?} -> {to:?} must be illegal");
                        assert_eq!(from.on(event), Ok(to));
                    }
                    Err(err) => {
                        assert!(!legal.contains(&(from, to)), "{from:?} -> {to:?} must be legal");
                        assert!(err.to_string().contains(from.as_str()), "{err}");
                        assert!(err.to_string().contains(to.as_str()), "{err}");
                    }
                }
            }
        }
    }
}
