//! What the load asked of the platform during one fault's round and what it was told: the
//! accounting that the checks hold the platform's state and the bank's books against.

use super::client::Answer;
use workflows::Money;

/// What one try of a write was told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// An error answer: it must have changed nothing.
    Refused,
    /// No answer: it may or may not have taken effect, but at most once.
    Unanswered,
}

impl From<&Answer> for Outcome {
    fn from(answer: &Answer) -> Self {
        match answer {
            Answer::Accepted(_) => Outcome::Accepted,
            Answer::Refused { .. } => Outcome::Refused,
            Answer::Unanswered(_) => Outcome::Unanswered,
        }
    }
}

/// A write whose text tells it apart from every other (a chat message, a notification's title).
#[derive(Debug, Clone)]
pub struct Written {
    pub text: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Completed,
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Order {
    /// Index into the run's buyers.
    pub buyer: usize,
    pub participant: i64,
    pub amount: Money,
}

/// One procurement driven from creation to completion or cancellation.
#[derive(Debug, Clone, Default)]
pub struct Cycle {
    pub procurement: i64,
    /// Index into the run's organizers.
    pub organizer: usize,
    pub orders: Vec<Order>,
    /// Every join try: the buyer, the notes it carried (unique per try), what it was told.
    pub joins: Vec<(usize, Written)>,
    /// The organizer's messages to the procurement's chat over REST, one text per try.
    pub messages: Vec<Written>,
    pub ending: Option<Ending>,
    /// Why it could not be driven to its end.
    pub abandoned: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Deposit {
    pub id: i64,
    pub buyer: usize,
    pub amount: Money,
}

#[derive(Debug, Default, Clone)]
pub struct RoundRecord {
    pub cycles: Vec<Cycle>,
    pub deposits: Vec<Deposit>,
    /// Notifications sent to buyers through the API, one title per try.
    pub notices: Vec<(usize, Written)>,
    /// What went wrong on the load's side that is the platform's doing.
    pub problems: Vec<String>,
}

/// The platform's commission on every procurement of the run, in hundredths of a percent.
pub const COMMISSION: i64 = 300;
