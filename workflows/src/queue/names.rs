//! The queues. Each concern has its own Redis queue with an explicit name, so renaming a Rust
//! type can never orphan a queue, and each can be scaled by running more workers for it.

/// A queue of durable jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    /// Procurement state changes and what follows them (deadlines, payment requests).
    Lifecycle,
    /// Capturing escrow to organizers, and the bank's side of money movements.
    Payments,
    /// Returning money to buyers.
    Refunds,
    /// One message to one person on one channel.
    Notifications,
    /// An organizer's message to many.
    Broadcasts,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown queue '{0}'; queues are lifecycle, payments, refunds, notifications, broadcasts")]
pub struct UnknownQueue(pub String);

impl Queue {
    pub const ALL: [Queue; 5] = [Self::Lifecycle, Self::Payments, Self::Refunds, Self::Notifications, Self::Broadcasts];

    /// The Redis queue name (also what the outbox rows name).
    pub fn name(self) -> &'static str {
        match self {
            Self::Lifecycle => "lifecycle",
            Self::Payments => "payments",
            Self::Refunds => "refunds",
            Self::Notifications => "notifications",
            Self::Broadcasts => "broadcasts",
        }
    }

    pub fn parse(name: &str) -> Result<Self, UnknownQueue> {
        Self::ALL.into_iter().find(|q| q.name() == name.trim()).ok_or_else(|| UnknownQueue(name.trim().into()))
    }

    /// `--queues a,b`: the named queues, or all of them when none are named; duplicates collapse.
    pub fn parse_list(names: &[String]) -> Result<Vec<Self>, UnknownQueue> {
        let mut queues = Vec::new();
        for name in names.iter().filter(|n| !n.trim().is_empty()) {
            let queue = Self::parse(name)?;
            if !queues.contains(&queue) {
                queues.push(queue);
            }
        }
        Ok(if queues.is_empty() { Self::ALL.to_vec() } else { queues })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_of_queues() {
        let list = |s: &[&str]| Queue::parse_list(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(list(&[]).unwrap(), Queue::ALL.to_vec());
        assert_eq!(list(&["payments", " refunds", "payments"]).unwrap(), vec![Queue::Payments, Queue::Refunds]);
        assert_eq!(list(&["nope"]), Err(UnknownQueue("nope".into())));
        for q in Queue::ALL {
            assert_eq!(Queue::parse(q.name()), Ok(q));
        }
    }
}
