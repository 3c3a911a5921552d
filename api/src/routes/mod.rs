//! The REST operations, one module per resource.

pub(crate) mod admin;
mod auth;
mod broadcasts;
mod categories;
mod chat;
pub mod health;
pub mod metrics;
mod ml;
mod notifications;
mod participants;
mod payments;
mod procurements;
mod transactions;
mod users;
pub mod webhook;

use crate::state::AppState;
use poem_openapi::payload::Json;
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, OpenApiService, Tags};

#[derive(Tags)]
pub enum Tag {
    /// People and their messenger identities.
    Users,
    /// Group purchases: create, publish, join, leave.
    Procurements,
    /// Orders inside procurements.
    Participants,
    Categories,
    /// Deposits by bank transfer, and every payment's state.
    Payments,
    /// Movements on users' balances.
    Transactions,
    /// Tokens for users.
    Auth,
    /// Staff view of the job queues (service key).
    Jobs,
    /// Each procurement's chat: messages, read marks, unread counts (live at `/ws/procurement/{id}/`).
    Chat,
    /// People's notifications (live at `/ws/notifications/`).
    Notifications,
    /// Messages to many Telegram and VK chats, sent one target at a time.
    Broadcasts,
    /// Staff: the admin app's API. A bearer token (a staff token from `POST /admin/auth/`, or a
    /// service key), or the admin app's `gb_admin_session` cookie with the `csrftoken` cookie's
    /// value echoed in `X-CSRFToken` on every write.
    Admin,
    /// Analytics: success prediction, demand forecast and price advice, with their metrics.
    Ml,
}

/// A 201 with the created resource (which always includes its `id`).
#[derive(ApiResponse)]
pub enum Created<T: ToJSON> {
    #[oai(status = 201)]
    Created(Json<T>),
}

/// A 204: the resource is gone.
#[derive(ApiResponse)]
pub enum Deleted {
    #[oai(status = 204)]
    NoContent,
}

/// The OpenAPI service with every operation.
pub fn service(state: &AppState) -> OpenApiService<impl poem_openapi::OpenApi, ()> {
    OpenApiService::new(
        (
            users::UsersApi(state.clone()),
            procurements::ProcurementsApi(state.clone()),
            participants::ParticipantsApi(state.clone()),
            categories::CategoriesApi(state.clone()),
            payments::PaymentsApi(state.clone()),
            transactions::TransactionsApi(state.clone()),
            auth::AuthApi(state.clone()),
            webhook::WebhookApi(state.clone()),
            chat::ChatApi(state.clone()),
            notifications::NotificationsApi(state.clone()),
            broadcasts::BroadcastsApi(state.clone()),
            ml::MlApi(state.clone()),
            admin::apis(state),
        ),
        "GroupBuy API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Group purchases (совместные закупки). Amounts are decimal strings in roubles (\"1500.00\"). \
         Authenticate with `Authorization: Bearer <service key | user JWT>`; anonymous callers may \
         only read public lists. Errors are `{\"error\", \"code\"}`.",
    )
    .server("/api")
}

/// A page past the end is an error, as in the original API ("Invalid page.").
pub(crate) fn valid_page<T>(page: &workflows::page::Page<T>) -> Result<(), crate::error::ApiError> {
    if page.is_out_of_range() {
        return Err(crate::error::ApiError::NotFound(Json(crate::error::ErrorBody {
            error: format!("Invalid page: page {} is past the end", page.page),
            code: "invalid_page".into(),
        })));
    }
    Ok(())
}
