//! What staff do from the admin app: read the platform's figures and lists, and change people and
//! procurements. Every write takes an [`crate::staff::Operator`] and records an audit row in its
//! own transaction.

pub mod dashboard;
pub mod procurements;
mod sort;
pub mod users;
