//! Staff callers: a session cookie (with the CSRF check on writes) or a staff bearer token, both
//! the same server-side session that logging out revokes.

use super::Caller;
use super::cookies::{CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, cookie, set_cookie};
use crate::error::{ApiError, ApiResult};
use poem::Request;
use poem::http::{HeaderValue, Method};
use workflows::staff::{SESSION_LIFETIME, Staff, staff_of_token};

/// The staff member behind a request and the token that proved it (for logging out).
#[derive(Debug, Clone)]
pub struct StaffIdentity {
    pub staff: Staff,
    pub token: String,
}

/// Where staff log in: the one write a session cookie may make without the CSRF token (it
/// replaces the session rather than using it).
const LOGIN_PATH: &str = "/api/admin/auth";

/// A request with no `Authorization` header: a staff member if it carries a live session cookie,
/// otherwise anonymous (a stale cookie must not break public pages). Writes made with the cookie
/// must echo the CSRF cookie in `X-CSRFToken`, or they are refused with 403.
pub(super) async fn from_session_cookie(pool: &workflows::db::PgPool, req: &mut Request) -> ApiResult<Caller> {
    let Some(token) = cookie(req, SESSION_COOKIE).map(str::to_string) else {
        return Ok(Caller::Anonymous);
    };
    let Some(staff) = staff_of_token(pool, &token, chrono::Utc::now()).await? else {
        return Ok(Caller::Anonymous);
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_login(req) && !csrf_echoed(req) {
        return Err(ApiError::Forbidden(poem_openapi::payload::Json(crate::error::ErrorBody {
            error: "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header".into(),
            code: "csrf_failed".into(),
        })));
    }
    let id = staff.id;
    req.extensions_mut().insert(StaffIdentity { staff, token });
    Ok(Caller::Staff(id))
}

/// A staff bearer token (an API client that logged in with `POST /api/admin/auth/`): no CSRF,
/// browsers never send it by themselves. An unknown, expired or revoked one is a 401.
pub(super) async fn from_bearer(pool: &workflows::db::PgPool, req: &mut Request, token: String) -> ApiResult<Caller> {
    let staff = staff_of_token(pool, &token, chrono::Utc::now())
        .await?
        .ok_or_else(|| ApiError::unauthorized("invalid token: the staff session is unknown, expired or ended"))?;
    let id = staff.id;
    req.extensions_mut().insert(StaffIdentity { staff, token });
    Ok(Caller::Staff(id))
}

fn is_login(req: &Request) -> bool {
    *req.method() == Method::POST && req.uri().path().trim_end_matches('/') == LOGIN_PATH
}

/// Double submit: the header equals the cookie (compared in constant time).
fn csrf_echoed(req: &Request) -> bool {
    match (cookie(req, CSRF_COOKIE), req.header(CSRF_HEADER)) {
        (Some(cookie), Some(header)) => {
            cookie.len() == header.len()
                && cookie.bytes().zip(header.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        }
        _ => false,
    }
}

/// The admin app's auth endpoint hands out a CSRF cookie to a browser that has none (as the
/// original's `ensure_csrf_cookie`), so the app can read it before its first write.
pub(super) fn hands_out_csrf_cookie(req: &Request) -> Option<HeaderValue> {
    let path = req.uri().path().trim_end_matches('/');
    if path != LOGIN_PATH || cookie(req, CSRF_COOKIE).is_some() {
        return None;
    }
    let token = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let cookie = set_cookie(req, CSRF_COOKIE, &token, false, SESSION_LIFETIME.num_seconds() * 2);
    HeaderValue::from_str(&cookie).ok()
}
