//! Benchmarks run against a live system.

mod api;
mod jobs;

pub use api::{ApiBenchArgs, run as api};
pub use jobs::{JobsBenchArgs, run as jobs};
