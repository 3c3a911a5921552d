//! The staff API under `/api/admin/`: the original admin API's paths and answer shapes, staff
//! login, and what it lacked (audit log, jobs, doctor). Every operation authenticates with
//! [`crate::auth::StaffAuth`] (session cookie or bearer token) and refuses people's tokens.

mod auth;
mod dashboard;
mod procurements;
mod users;

use crate::state::AppState;

/// Every admin operation group, as one OpenAPI unit for the service.
pub fn apis(state: &AppState) -> impl poem_openapi::OpenApi {
    // a tuple as groups are added (poem-openapi implements OpenApi for tuples of two or more)
    (
        auth::AdminAuthApi(state.clone()),
        dashboard::AdminDashboardApi(state.clone()),
        users::AdminUsersApi(state.clone()),
        procurements::AdminProcurementsApi(state.clone()),
    )
}
