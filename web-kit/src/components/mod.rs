//! Yew components both web apps use.

mod alert;
mod chart;
mod pager;
mod table;

pub use alert::{Alert, Notice};
pub use chart::{BarChart, Series};
pub use pager::Pager;
pub use table::{SortHeader, TableFrame, next_ordering};
