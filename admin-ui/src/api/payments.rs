//! `payments/` and their `summary/`.

use super::{ApiError, Page, Params, url};
use money::Money;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Payment {
    pub id: i64,
    pub user: i64,
    pub user_name: String,
    pub payment_type: String,
    pub amount: Money,
    pub status: String,
    pub status_display: String,
    pub external_id: Option<String>,
    pub procurement: Option<i64>,
    pub description: String,
    pub paid_at: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Bucket {
    pub count: u64,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub total_count: u64,
    pub total_amount: Money,
    pub by_status: BTreeMap<String, Bucket>,
    pub by_type: BTreeMap<String, Bucket>,
}

pub async fn list(params: Params) -> Result<Page<Payment>, ApiError> {
    web_kit::http::get(&url("payments/"), &params).await
}

/// The summary under the same filters as the list (paging and ordering left out).
pub async fn summary(params: Params) -> Result<Summary, ApiError> {
    let filters: Params =
        params.into_iter().filter(|(k, _)| !matches!(k.as_str(), "page" | "page_size" | "ordering")).collect();
    web_kit::http::get(&url("payments/summary/"), &filters).await
}
