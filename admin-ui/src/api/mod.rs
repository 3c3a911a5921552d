//! The admin API, one file per resource, with the contract's field names. Fields default when
//! absent so a page still shows what it can from an older server.

pub mod audit;
pub mod auth;
pub mod broadcasts;
pub mod categories;
pub mod dashboard;
pub mod doctor;
pub mod jobs;
pub mod messages;
pub mod models;
pub mod notifications;
pub mod payments;
pub mod procurements;
pub mod transactions;
pub mod users;

pub use web_kit::{ApiError, Page};

/// Query parameters as the list pages build them.
pub type Params = Vec<(String, String)>;

/// `/api/admin/{path}`.
pub fn url(path: &str) -> String {
    format!("/api/admin/{path}")
}

/// Bulk actions answer how many rows they changed.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(default)]
pub struct Affected {
    pub affected: u64,
    pub failed: Vec<Failed>,
}

/// A row a bulk action could not change, and why.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(default)]
pub struct Failed {
    pub id: i64,
    pub error: String,
}

#[derive(serde::Serialize)]
pub struct BulkAction<'a> {
    pub ids: &'a [i64],
    pub action: &'a str,
}
