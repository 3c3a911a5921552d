//! The staff use cases behind `/api/admin/`: the platform's figures and lists with filters and
//! orderings, and writes to people, procurements, categories, messages and jobs. Every write takes
//! an [`crate::staff::Operator`] and records an audit row in its own transaction
//! ([`crate::staff::audit`]).

pub mod audit;
pub mod categories;
pub mod dashboard;
pub mod doctor;
pub mod jobs;
pub mod list;
pub mod messages;
pub mod notifications;
pub mod payments;
pub mod procurements;
mod sort;
pub mod transactions;
pub mod users;
