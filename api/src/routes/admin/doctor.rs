//! `doctor/`: the `groupbuy doctor` report on demand.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::Tag;
use crate::state::AppState;
use crate::wire::admin::jobs::DoctorOut;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

pub struct AdminDoctorApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminDoctorApi {
    /// The books' own rules (entries sum to zero, transactions balance, balances equal their
    /// entries, escrow equals what was paid) and, where this server reaches the bank, our records
    /// against the bank's: one line per check.
    #[oai(path = "/admin/doctor", method = "get")]
    async fn report(&self, auth: StaffAuth) -> ApiResult<Json<DoctorOut>> {
        auth.operator()?;
        let report = workflows::admin::doctor::report(&self.0.pool, self.0.bank.as_deref()).await?;
        Ok(Json(report.into()))
    }
}
