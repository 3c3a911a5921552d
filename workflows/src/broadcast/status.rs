//! The broadcast state machine: DRAFT → QUEUED → SENDING → COMPLETED, and CANCELLED from any
//! state that is not final.

use crate::transition::{IllegalTransition, StateMachine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BroadcastStatus {
    /// Written, targets chosen, nothing sent.
    Draft,
    /// Targets fixed ("all users" expanded) and one delivery job per target queued.
    Queued,
    /// The first target's job has begun.
    Sending,
    /// Every target is sent or failed.
    Completed,
    /// Called off: targets not yet sent stay unsent.
    Cancelled,
}

/// What can happen to a broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BroadcastEvent {
    /// The author starts it.
    Start,
    /// A delivery job takes its first target.
    Begin,
    /// The last target is settled.
    Finish,
    Cancel,
}

impl BroadcastStatus {
    pub const ALL: [BroadcastStatus; 5] = [Self::Draft, Self::Queued, Self::Sending, Self::Completed, Self::Cancelled];
}

impl StateMachine for BroadcastStatus {
    type Event = BroadcastEvent;

    fn on(self, event: BroadcastEvent) -> Result<BroadcastStatus, IllegalTransition> {
        use BroadcastEvent::*;
        use BroadcastStatus::*;
        let next = match (self, event) {
            (Draft, Start) => Queued,
            (Queued, Begin) => Sending,
            (Sending, Finish) => Completed,
            (Draft | Queued | Sending, Cancel) => Cancelled,
            _ => return Err(IllegalTransition::new(self, event.target())),
        };
        Ok(next)
    }

    fn reached_by(self) -> Option<BroadcastEvent> {
        use BroadcastEvent::*;
        match self {
            Self::Draft => None,
            Self::Queued => Some(Start),
            Self::Sending => Some(Begin),
            Self::Completed => Some(Finish),
            Self::Cancelled => Some(Cancel),
        }
    }
}

impl BroadcastEvent {
    fn target(self) -> BroadcastStatus {
        match self {
            Self::Start => BroadcastStatus::Queued,
            Self::Begin => BroadcastStatus::Sending,
            Self::Finish => BroadcastStatus::Completed,
            Self::Cancel => BroadcastStatus::Cancelled,
        }
    }
}

crate::transition::named_enum!(BroadcastStatus, "broadcast" {
    Draft => "draft",
    Queued => "queued",
    Sending => "sending",
    Completed => "completed",
    Cancelled => "cancelled",
});

#[cfg(test)]
mod tests {
    use super::*;
    use BroadcastStatus::*;

    #[test]
    fn only_the_table_moves_are_legal() {
        let legal = [
            (Draft, Queued),
            (Queued, Sending),
            (Sending, Completed),
            (Draft, Cancelled),
            (Queued, Cancelled),
            (Sending, Cancelled),
        ];
        for from in BroadcastStatus::ALL {
            for to in BroadcastStatus::ALL {
                let result = from.transition_to(to);
                assert_eq!(result.is_ok(), legal.contains(&(from, to)), "{from:?} -> {to:?}");
                if let Ok(event) = result {
                    assert_eq!(from.on(event), Ok(to));
                }
            }
        }
    }
}
