//! Exact money: integer kopecks in Rust, `NUMERIC(14,2)` in SQL, `"1500.00"` on the wire.
//! The types live in the `money` crate, shared with the bots and the browser apps.

pub use ::money::{Money, Quantity};
