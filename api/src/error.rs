//! Errors as JSON `{"error": "...", "code": "..."}`, whatever produced them: a domain refusal,
//! a body that is not JSON, an unknown route. A 4xx is the caller's mistake and changes nothing.

use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use workflows::DomainError;

#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// What went wrong, for programs (`validation_error`, `not_found`, `illegal_transition`, …).
    pub code: String,
}

/// Every error response an operation can give.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request is malformed or a value is invalid.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// No or an invalid token.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The caller may not do this.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The current state of things refuses the request (illegal transition, stop amount, …).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body is over 64 KiB.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not `application/json`, or has no `Content-Type`.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// An outside service (the bank, the job queues' Redis) or the database cannot do its part
    /// right now; the same request may be sent again later.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a caller is told while the database is down or restarting.
pub const DATABASE_UNAVAILABLE: &str = "the database is unavailable right now; try again shortly";

fn body(error: impl Into<String>, code: impl Into<String>) -> Json<ErrorBody> {
    Json(ErrorBody { error: error.into(), code: code.into() })
}

impl ApiError {
    pub fn bad_request(error: impl Into<String>, code: &str) -> Self {
        Self::BadRequest(body(error, code))
    }
    pub fn unauthorized(error: impl Into<String>) -> Self {
        Self::Unauthorized(body(error, "unauthorized"))
    }
    pub fn forbidden(error: impl Into<String>) -> Self {
        Self::Forbidden(body(error, "forbidden"))
    }
    pub fn not_found(error: impl Into<String>) -> Self {
        Self::NotFound(body(error, "not_found"))
    }
}

/// Request parsing failures (bad JSON, wrong types, unknown enum values) become 400s.
pub fn bad_request(err: poem::Error) -> ApiError {
    ApiError::bad_request(err.to_string(), "bad_request")
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::NotFound { .. } => Self::NotFound(body(err.to_string(), "not_found")),
            DomainError::Invalid { .. } => Self::BadRequest(body(err.to_string(), "validation_error")),
            DomainError::IllegalTransition(t) => Self::Conflict(body(t.to_string(), "illegal_transition")),
            DomainError::Conflict { code, message } => Self::Conflict(body(message, code)),
            DomainError::Forbidden { message } => Self::Forbidden(body(message, "forbidden")),
            DomainError::InsufficientFunds { .. } => Self::Conflict(body(err.to_string(), "insufficient_funds")),
            DomainError::Unavailable { message } => Self::Unavailable(body(message, "bank_unavailable")),
            // Whatever the bank said, the caller's request was fine and nothing was changed.
            DomainError::Bank(e) => {
                Self::Unavailable(body(format!("the bank could not do it now: {e}"), "bank_unavailable"))
            }
            // Down or restarting: the request itself was fine, and a 500 would say otherwise.
            DomainError::Database(e) if workflows::db::is_unreachable(&e) => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable(body(DATABASE_UNAVAILABLE, "database_unavailable"))
            }
            DomainError::Database(e) => {
                tracing::error!(error = %e, "database error");
                Self::Internal(body("internal error", "internal_error"))
            }
        }
    }
}

/// Reads that handlers still run through a pooled connection (`pool.acquire()`) surface
/// database errors here; they map as the domain maps them.
impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        DomainError::from(err).into()
    }
}

/// The machine code for a bare HTTP status, for errors raised outside our handlers.
fn status_code_name(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_client_error() => "bad_request",
        _ => "internal_error",
    }
}

/// The last line of defence: turns any error that is not already a JSON body into one.
pub async fn to_json_response(err: poem::Error) -> Response {
    let status = err.status();
    let message = if status.is_server_error() {
        "internal error".to_string()
    } else if err.is::<poem_openapi::error::AuthorizationError>() {
        crate::auth::AUTHENTICATION_REQUIRED.to_string()
    } else if err.is::<poem::error::StaticFileError>() {
        // Its own text may name a path on this machine (`forbidden: /srv/…`): never show that.
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        err.to_string()
    };
    let described = status.is_server_error().then(|| err.to_string());
    let response = err.into_response();
    let is_json = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        // Our own answer (a 503 saying what is down among them), already logged where it arose.
        return response;
    }
    if let Some(error) = described {
        tracing::error!(%error, "unhandled error");
    }
    let message = if message.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { message };
    poem::web::Json(serde_json::json!({ "error": message, "code": status_code_name(status) }))
        .with_status(status)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(err: sqlx::Error) -> (u16, String) {
        let response = ApiError::from(DomainError::from(err)).into_response();
        (response.status().as_u16(), response.into_body().into_string().await.unwrap())
    }

    #[tokio::test]
    async fn a_database_that_cannot_be_reached_is_a_503_and_a_broken_statement_a_500() {
        for unreachable in [sqlx::Error::PoolTimedOut, sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into())] {
            let (status, body) = answer(unreachable).await;
            assert_eq!(status, 503, "{body}");
            assert!(body.contains(r#""code":"database_unavailable""#), "{body}");
        }
        let (status, body) = answer(sqlx::Error::ColumnNotFound("x".into())).await;
        assert_eq!(status, 500, "{body}");
        assert!(body.contains(r#""code":"internal_error""#), "{body}");
    }
}
