//! The staff use cases behind `/api/admin/`: lists with filters and orderings, and writes that
//! record an audit row in their own transaction ([`crate::staff::audit`]).

pub mod audit;
pub mod categories;
pub mod doctor;
pub mod jobs;
pub mod list;
pub mod messages;
pub mod notifications;
pub mod payments;
pub mod transactions;
