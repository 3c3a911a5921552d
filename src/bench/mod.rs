//! Benchmarks run against a live system.

mod api;
mod chat;
mod jobs;
mod payments;

pub use api::{ApiBenchArgs, run as api};
pub use chat::{ChatBenchArgs, run as chat};
pub use jobs::{JobsBenchArgs, run as jobs};
pub use payments::{PaymentsBenchArgs, run as payments};
