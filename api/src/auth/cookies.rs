//! The admin app's two cookies: the session (HttpOnly, the app never reads it) and the CSRF token
//! (readable by the app, echoed in `X-CSRFToken` on every write: a cross-site page can make the
//! browser send the cookie but cannot read it to echo it).

use poem::Request;

/// The staff session; its value is also a staff bearer token.
pub const SESSION_COOKIE: &str = "gb_admin_session";
/// The CSRF token, named as the original admin app expects it.
pub const CSRF_COOKIE: &str = "csrftoken";
/// The header a write echoes the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrftoken";

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Whether the client reached us over https (directly or through a proxy that says so): then
/// cookies are marked `Secure`.
fn over_https(req: &Request) -> bool {
    req.uri().scheme_str() == Some("https")
        || req.header("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value for the whole site, `SameSite=Strict`; `max_age` 0 removes the cookie.
pub fn set_cookie(req: &Request, name: &str, value: &str, http_only: bool, max_age_secs: i64) -> String {
    let mut cookie = format!("{name}={value}; Path=/; SameSite=Strict; Max-Age={max_age_secs}");
    if http_only {
        cookie.push_str("; HttpOnly");
    }
    if over_https(req) {
        cookie.push_str("; Secure");
    }
    cookie
}
