//! `users/`: people, their flags and balances.

use super::{Affected, ApiError, BulkAction, Page, Params, url};
use money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct User {
    pub id: i64,
    pub platform: Option<String>,
    pub platform_user_id: Option<String>,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub role: String,
    pub role_display: String,
    pub balance: Money,
    pub is_active: bool,
    pub is_verified: bool,
    pub is_staff: bool,
    pub participations_count: u64,
    pub organized_count: u64,
    pub total_spent: Money,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ActiveFlag {
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct VerifiedFlag {
    pub is_verified: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct BalanceChange {
    pub old_balance: Money,
    pub new_balance: Money,
    pub amount: Money,
}

#[derive(Serialize)]
struct BalanceIn<'a> {
    amount: &'a str,
    description: &'a str,
}

pub async fn list(params: Params) -> Result<Page<User>, ApiError> {
    web_kit::http::get(&url("users/"), &params).await
}

pub async fn toggle_active(id: i64) -> Result<ActiveFlag, ApiError> {
    web_kit::http::post_empty(&url(&format!("users/{id}/toggle_active/"))).await
}

pub async fn toggle_verified(id: i64) -> Result<VerifiedFlag, ApiError> {
    web_kit::http::post_empty(&url(&format!("users/{id}/toggle_verified/"))).await
}

pub async fn update_balance(id: i64, amount: &str, description: &str) -> Result<BalanceChange, ApiError> {
    web_kit::http::post(&url(&format!("users/{id}/update_balance/")), &BalanceIn { amount, description }).await
}

pub async fn bulk_action(ids: &[i64], action: &str) -> Result<Affected, ApiError> {
    web_kit::http::post(&url("users/bulk_action/"), &BulkAction { ids, action }).await
}
