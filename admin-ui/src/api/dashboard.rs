//! `dashboard/` and `dashboard/series/`.

use super::{ApiError, url};
use money::Money;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Dashboard {
    pub total_users: u64,
    pub users_by_role: BTreeMap<String, u64>,
    pub users_by_platform: BTreeMap<String, u64>,
    pub new_users_today: u64,
    pub new_users_week: u64,
    pub new_users_month: u64,
    pub total_procurements: u64,
    pub procurements_by_status: BTreeMap<String, u64>,
    pub active_procurements: u64,
    pub completed_procurements: u64,
    pub total_payments: u64,
    pub total_revenue: Money,
    pub revenue_today: Money,
    pub revenue_week: Money,
    pub revenue_month: Money,
    pub total_messages: u64,
    pub messages_today: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Day {
    pub date: String,
    pub registrations: u64,
    pub procurements_created: u64,
    pub revenue: Money,
    pub messages: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Series {
    pub days: Vec<Day>,
}

pub async fn figures() -> Result<Dashboard, ApiError> {
    web_kit::http::get(&url("dashboard/"), &[]).await
}

pub async fn series(days: u32) -> Result<Series, ApiError> {
    web_kit::http::get(&url("dashboard/series/"), &[("days".into(), days.to_string())]).await
}
