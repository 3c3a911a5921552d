//! The worker runtime: which queues exist and how work reaches them.
//!
//! The queues themselves and which job takes which are the job contract's
//! (`workflows::queue`); here they get Redis storage, worker pools and the outbox relay.

pub mod admin;
pub mod bench;
pub mod courier;
pub mod finished;
pub mod inline;
pub mod metrics;
pub mod pool;
pub mod relay;
pub mod runtime;
pub mod storage;

pub use workflows::queue::{Queue, UnknownQueue};
