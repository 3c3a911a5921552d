//! `GET /api/admin/dashboard/`: the platform's figures; `dashboard/series/`: per day, for charts.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::Tag;
use crate::state::AppState;
use crate::wire::admin::dashboard::{DashboardOut, SeriesOut};
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use workflows::admin::dashboard;

pub struct AdminDashboardApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminDashboardApi {
    /// Users, procurements, payments and messages: totals, by kind, and lately.
    #[oai(path = "/admin/dashboard", method = "get")]
    async fn dashboard(&self, auth: StaffAuth) -> ApiResult<Json<DashboardOut>> {
        auth.operator()?;
        let figures = dashboard::dashboard(&mut *self.0.pool.acquire().await?, chrono::Utc::now()).await?;
        Ok(Json(figures.into()))
    }

    /// Registrations, new procurements, revenue and chat messages per UTC day for the last
    /// `days` days (1 to 365, default 30), oldest first, days with nothing included.
    #[oai(path = "/admin/dashboard/series", method = "get")]
    async fn series(&self, auth: StaffAuth, days: Query<Option<i64>>) -> ApiResult<Json<SeriesOut>> {
        auth.operator()?;
        let days = days.0.unwrap_or(30);
        let series = dashboard::series(&mut *self.0.pool.acquire().await?, days, chrono::Utc::now()).await?;
        Ok(Json(series.into()))
    }
}
