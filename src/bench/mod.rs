//! Benchmarks run against a live system.

mod api;

pub use api::{run as api, ApiBenchArgs};
