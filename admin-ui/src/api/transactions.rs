//! `transactions/`: the ledger's movements per person.

use super::{ApiError, Page, Params, url};
use money::Money;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Transaction {
    pub id: i64,
    pub user: i64,
    pub user_name: String,
    pub transaction_type: String,
    pub amount: Money,
    pub balance_after: Money,
    pub procurement: Option<i64>,
    pub procurement_title: Option<String>,
    pub description: String,
    pub created_at: String,
}

pub async fn list(params: Params) -> Result<Page<Transaction>, ApiError> {
    web_kit::http::get(&url("transactions/"), &params).await
}
