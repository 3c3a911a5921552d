//! `broadcasts/`: the history of messenger broadcasts.

use super::{ApiError, Page, Params, url};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Broadcast {
    pub id: i64,
    pub author_id: Option<i64>,
    pub text: String,
    pub status: String,
    pub targets: i64,
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub created_at: String,
    pub finished_at: Option<String>,
}

pub async fn list(params: Params) -> Result<Page<Broadcast>, ApiError> {
    web_kit::http::get(&url("broadcasts/"), &params).await
}
