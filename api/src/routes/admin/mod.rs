//! The staff API under `/api/admin/`: the original admin API's paths and answer shapes, staff
//! login, and what it lacked (audit log, jobs, doctor). Every operation authenticates with
//! [`crate::auth::StaffAuth`] (session cookie or bearer token) and refuses people's tokens.

mod audit;
mod auth;
mod broadcasts;
mod categories;
mod dashboard;
mod doctor;
pub(crate) mod jobs;
mod messages;
mod notifications;
mod payments;
mod procurements;
mod transactions;
mod users;

use crate::state::AppState;

/// Every admin operation group, as one OpenAPI unit for the service.
pub fn apis(state: &AppState) -> impl poem_openapi::OpenApi {
    // a tuple as groups are added (poem-openapi implements OpenApi for tuples of two or more)
    (
        auth::AdminAuthApi(state.clone()),
        (
            dashboard::AdminDashboardApi(state.clone()),
            users::AdminUsersApi(state.clone()),
            procurements::AdminProcurementsApi(state.clone()),
        ),
        (
            payments::AdminPaymentsApi(state.clone()),
            transactions::AdminTransactionsApi(state.clone()),
            categories::AdminCategoriesApi(state.clone()),
            messages::AdminMessagesApi(state.clone()),
            notifications::AdminNotificationsApi(state.clone()),
            audit::AdminAuditApi(state.clone()),
            jobs::JobsApi(state.clone()),
            broadcasts::AdminBroadcastsApi(state.clone()),
            doctor::AdminDoctorApi(state.clone()),
        ),
    )
}
