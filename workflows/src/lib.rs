//! The GroupBuy domain: procurements and their participants as explicit state machines, the
//! double-entry ledger through which all money moves, and their storage in PostgreSQL.
//!
//! This crate knows no HTTP framework and no bot library; the API, workers, scheduler and bots
//! call into it.

/// A query assembled from this crate's own SQL constants (never from input, which is always
/// bound as a parameter), which sqlx 0.9 asks us to vouch for.
#[macro_export]
macro_rules! sql {
    ($($fmt:tt)*) => {
        sqlx::AssertSqlSafe(format!($($fmt)*))
    };
}

pub mod actor;
pub mod admin;
pub mod analytics;
pub mod bank;
pub mod broadcast;
pub mod catalog;
pub mod catalogue_version;
pub mod chat;
pub mod db;
pub mod demo;
pub mod doctor;
pub mod error;
pub mod events;
pub mod failpoint;
pub mod fanout;
pub mod jobs;
pub mod ledger;
pub mod messenger;
pub mod money;
pub mod notify;
pub mod outbox;
pub mod page;
pub mod participant;
pub mod payments;
pub mod procurement;
pub mod queue;
mod search;
pub mod settle;
pub mod staff;
pub mod sweeps;
pub mod transition;
pub mod users;

pub use self::money::{Money, Quantity};
/// The money parser's error under the name the bank client knows it by.
pub use ::money::ParseError as FixedParseError;
pub use actor::Actor;
pub use error::{DomainError, DomainResult};
pub use transition::{IllegalTransition, StateName};
