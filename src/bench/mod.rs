//! Benchmarks run against a live system.

mod admin;
mod api;
mod bot;
mod chat;
mod jobs;
mod ml;
mod payments;

pub use admin::{AdminBenchArgs, run as admin};
pub use api::{ApiBenchArgs, run as api};
pub use bot::{BotBenchArgs, run as bot};
pub use chat::{ChatBenchArgs, run as chat};
pub use jobs::{JobsBenchArgs, run as jobs};
pub use ml::{MlBenchArgs, run as ml};
pub use payments::{PaymentsBenchArgs, run as payments};
