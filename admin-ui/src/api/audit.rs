//! `audit/`: every staff write, append-only.

use super::{ApiError, Page, Params, url};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Entry {
    pub id: i64,
    pub staff_id: Option<i64>,
    pub staff_username: Option<String>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<serde_json::Value>,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    pub created_at: String,
}

pub async fn list(params: Params) -> Result<Page<Entry>, ApiError> {
    web_kit::http::get(&url("audit/"), &params).await
}
