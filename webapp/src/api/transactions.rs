//! Movements on the person's balance (`/api/payments/transactions/`).

use super::{ApiError, Page};
use money::Money;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Transaction {
    pub id: i64,
    pub transaction_type: String,
    /// Negative when money left the balance.
    pub amount: Money,
    pub balance_after: Money,
    pub procurement_title: Option<String>,
    pub description: String,
    pub created_at: String,
}

/// Newest first, 20 a page.
pub async fn list(page: u64) -> Result<Page<Transaction>, ApiError> {
    super::get("payments/transactions/", &super::query(&[("page", page.to_string())])).await
}
