//! `doctor/`: the ledger and bank checks, on demand.

use super::{ApiError, url};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

pub async fn report() -> Result<Report, ApiError> {
    web_kit::http::get(&url("doctor/"), &[]).await
}
