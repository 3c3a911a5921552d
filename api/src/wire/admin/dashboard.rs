//! The staff dashboard's figures and chart series.

use crate::wire::Amount;
use chrono::NaiveDate;
use poem_openapi::Object;
use std::collections::BTreeMap;
use workflows::admin::dashboard::{Dashboard, Day};

/// The platform now. "Today", "week" and "month" are the UTC day so far and the 7 and 30 days
/// before it; revenue is succeeded payments by when they were paid.
#[derive(Object)]
pub struct DashboardOut {
    pub total_users: i64,
    pub users_by_role: BTreeMap<String, i64>,
    pub users_by_platform: BTreeMap<String, i64>,
    pub new_users_today: i64,
    pub new_users_week: i64,
    pub new_users_month: i64,
    pub total_procurements: i64,
    pub procurements_by_status: BTreeMap<String, i64>,
    pub active_procurements: i64,
    pub completed_procurements: i64,
    pub total_payments: i64,
    pub payments_by_status: BTreeMap<String, i64>,
    pub total_revenue: Amount,
    pub revenue_today: Amount,
    pub revenue_week: Amount,
    pub revenue_month: Amount,
    pub total_messages: i64,
    pub messages_today: i64,
}

impl From<Dashboard> for DashboardOut {
    fn from(d: Dashboard) -> Self {
        Self {
            active_procurements: d.active_procurements(),
            completed_procurements: d.completed_procurements(),
            total_users: d.total_users,
            users_by_role: d.users_by_role,
            users_by_platform: d.users_by_platform,
            new_users_today: d.new_users_today,
            new_users_week: d.new_users_week,
            new_users_month: d.new_users_month,
            total_procurements: d.total_procurements,
            procurements_by_status: d.procurements_by_status,
            total_payments: d.total_payments,
            payments_by_status: d.payments_by_status,
            total_revenue: d.total_revenue.into(),
            revenue_today: d.revenue_today.into(),
            revenue_week: d.revenue_week.into(),
            revenue_month: d.revenue_month.into(),
            total_messages: d.total_messages,
            messages_today: d.messages_today,
        }
    }
}

#[derive(Object)]
pub struct DayOut {
    pub date: NaiveDate,
    pub registrations: i64,
    pub procurements_created: i64,
    pub revenue: Amount,
    pub messages: i64,
}

/// One entry per day, oldest first, zero days included.
#[derive(Object)]
pub struct SeriesOut {
    pub days: Vec<DayOut>,
}

impl From<Vec<Day>> for SeriesOut {
    fn from(days: Vec<Day>) -> Self {
        let days = days
            .into_iter()
            .map(|d| DayOut {
                date: d.date,
                registrations: d.registrations,
                procurements_created: d.procurements_created,
                revenue: d.revenue.into(),
                messages: d.messages,
            })
            .collect();
        Self { days }
    }
}
