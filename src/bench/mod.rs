//! Benchmarks run against a live system.

mod api;

pub use api::{ApiBenchArgs, run as api};
