//! Staff login: `GET` who is logged in, `POST` log in (session cookie and bearer token), `DELETE`
//! log out on the server.

use crate::auth::{SESSION_COOKIE, StaffIdentity, cookie};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::Tag;
use crate::state::AppState;
use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use workflows::staff::{LoginRefused, SESSION_LIFETIME, Staff};

pub struct AdminAuthApi(pub AppState);

#[derive(Object)]
struct StaffOut {
    id: i64,
    username: String,
    email: String,
    is_staff: bool,
    is_superuser: bool,
}

impl From<&Staff> for StaffOut {
    fn from(s: &Staff) -> Self {
        Self {
            id: s.id,
            username: s.username.clone(),
            email: s.email.clone(),
            is_staff: true,
            is_superuser: s.is_superuser,
        }
    }
}

#[derive(Object)]
struct LoginIn {
    #[oai(validator(max_length = 100), deserialize_with = "crate::wire::strict")]
    username: String,
    #[oai(validator(max_length = 1024), deserialize_with = "crate::wire::strict")]
    password: String,
}

#[derive(Object)]
struct LoggedIn {
    id: i64,
    username: String,
    email: String,
    is_staff: bool,
    is_superuser: bool,
    /// The session's secret for API clients: `Authorization: Bearer <token>` (browsers use the
    /// `gb_admin_session` cookie set beside it). Valid for 12 hours or until logout.
    token: String,
}

#[derive(Object)]
struct Detail {
    detail: String,
}

#[derive(ApiResponse)]
enum LoginResponse {
    /// Logged in: the session cookie is set and the token is in the body.
    #[oai(status = 200)]
    Ok(Json<LoggedIn>, #[oai(header = "Set-Cookie")] String),
    /// Wrong name or password, or not a staff account (one answer for all).
    #[oai(status = 401)]
    Invalid(Json<ErrorBody>),
    /// Too many failed attempts for this name or address lately; the password was not checked.
    #[oai(status = 429)]
    TooMany(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
}

#[derive(ApiResponse)]
enum LogoutResponse {
    /// The session is over (if there was one) and the cookie is removed.
    #[oai(status = 200)]
    Ok(Json<Detail>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
enum WhoResponse {
    #[oai(status = 200)]
    Ok(Json<StaffOut>),
    /// No staff session (also for service keys and people's tokens: nobody is logged in here).
    #[oai(status = 401)]
    NotAuthenticated(Json<ErrorBody>),
}

fn refused(error: &str, code: &str) -> Json<ErrorBody> {
    Json(ErrorBody { error: error.into(), code: code.into() })
}

#[OpenApi(tag = "Tag::Admin")]
impl AdminAuthApi {
    /// The logged-in staff member, or 401. Hands out the `csrftoken` cookie the app echoes in
    /// `X-CSRFToken` on writes.
    #[oai(path = "/admin/auth", method = "get")]
    async fn who(&self, req: &Request) -> WhoResponse {
        match req.extensions().get::<StaffIdentity>() {
            Some(identity) => WhoResponse::Ok(Json((&identity.staff).into())),
            None => WhoResponse::NotAuthenticated(refused("not authenticated", "unauthorized")),
        }
    }

    /// Log in as staff with a username and password. The same 401 whether the name exists or
    /// not; five failures for a name (or twenty from an address) in 15 minutes give 429 until the
    /// window passes.
    #[oai(path = "/admin/auth", method = "post")]
    async fn log_in(&self, req: &Request, body: Json<LoginIn>) -> ApiResult<LoginResponse> {
        let address = crate::clients::request_client(req, &self.0.clients.trusted_proxies)
            .map(|a| a.to_string())
            .unwrap_or_default();
        let now = chrono::Utc::now();
        match workflows::staff::log_in(&self.0.pool, &body.username, &body.password, &address, now).await {
            Ok(login) => {
                let cookie = session_cookie(req, &login.token, SESSION_LIFETIME.num_seconds());
                let s = &login.staff;
                let out = LoggedIn {
                    id: s.id,
                    username: s.username.clone(),
                    email: s.email.clone(),
                    is_staff: true,
                    is_superuser: s.is_superuser,
                    token: login.token,
                };
                Ok(LoginResponse::Ok(Json(out), cookie))
            }
            Err(LoginRefused::Invalid) => {
                Ok(LoginResponse::Invalid(refused("invalid credentials or not an admin user", "invalid_credentials")))
            }
            Err(e @ LoginRefused::TooManyAttempts { retry_after_secs }) => {
                Ok(LoginResponse::TooMany(refused(&e.to_string(), "too_many_attempts"), retry_after_secs))
            }
            Err(LoginRefused::Failed(e)) => Err(ApiError::from(e)),
        }
    }

    /// Log out: the session (cookie or bearer token) ends on the server at once.
    #[oai(path = "/admin/auth", method = "delete")]
    async fn log_out(&self, req: &Request) -> ApiResult<LogoutResponse> {
        let token = req
            .extensions()
            .get::<StaffIdentity>()
            .map(|identity| identity.token.clone())
            .or_else(|| cookie(req, SESSION_COOKIE).map(str::to_string));
        if let Some(token) = token {
            workflows::staff::log_out(&self.0.pool, &token, chrono::Utc::now()).await?;
        }
        Ok(LogoutResponse::Ok(Json(Detail { detail: "Logged out".into() }), session_cookie(req, "", 0)))
    }
}

/// The session cookie (HttpOnly: the app never reads it; the CSRF cookie is the readable one).
fn session_cookie(req: &Request, token: &str, max_age_secs: i64) -> String {
    crate::auth::set_cookie(req, SESSION_COOKIE, token, true, max_age_secs)
}
