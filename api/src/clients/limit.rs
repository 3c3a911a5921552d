//! The endpoints that turn something into a session or a token (a login-link code, Mini App
//! `initData`, a refresh token, a service key) answer each client at most so many times a
//! minute, so nobody can try codes or replay launch data at speed. Counted per API process in
//! fixed one-minute windows (the staff login has its own, stricter, database-backed limit).

use super::{Clients, request_client};
use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// The limited paths, without their trailing slash.
pub const CREDENTIAL_PATHS: &[&str] =
    &["/api/auth/token", "/api/auth/login-link", "/api/auth/telegram-webapp", "/api/auth/refresh"];

/// Requests per client per minute, unless `AUTH_RATE_LIMIT` says otherwise.
pub const DEFAULT_PER_MINUTE: u32 = 60;

/// Each client's requests in the current minute.
#[derive(Debug)]
pub struct Limiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (u64, u32)>>,
}

impl Default for Limiter {
    fn default() -> Self {
        Self::new(DEFAULT_PER_MINUTE)
    }
}

impl Limiter {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute: per_minute.max(1), windows: Mutex::default() }
    }

    /// Counts one request of `client` at `now_secs`; `Err(seconds to wait)` past the limit.
    pub fn admit(&self, client: IpAddr, now_secs: u64) -> Result<(), u64> {
        let minute = now_secs / 60;
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > 100_000 {
            // Old windows only; a flood of addresses cannot grow the map for long.
            windows.retain(|_, (m, _)| *m == minute);
        }
        let (window, count) = windows.entry(client).or_insert((minute, 0));
        if *window != minute {
            *window = minute;
            *count = 0;
        }
        if *count >= self.per_minute {
            return Err(60 - now_secs % 60);
        }
        *count += 1;
        Ok(())
    }
}

/// The middleware that applies [`Limiter`] to [`CREDENTIAL_PATHS`].
pub struct CredentialLimit {
    pub clients: Arc<Clients>,
}

impl<E: Endpoint> Middleware<E> for CredentialLimit {
    type Output = CredentialLimitEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        CredentialLimitEndpoint { inner, clients: self.clients.clone() }
    }
}

pub struct CredentialLimitEndpoint<E> {
    inner: E,
    clients: Arc<Clients>,
}

impl<E: Endpoint> Endpoint for CredentialLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let path = req.uri().path().trim_end_matches('/');
        if CREDENTIAL_PATHS.contains(&path) {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
            if let Some(client) = request_client(&req, &self.clients.trusted_proxies)
                && let Err(wait) = self.clients.credentials.admit(client, now)
            {
                let body = serde_json::json!({
                    "error": format!("too many sign-in requests from this address; try again in {wait} s"),
                    "code": "rate_limited",
                });
                return Ok(Response::builder()
                    .status(StatusCode::TOO_MANY_REQUESTS)
                    .header("Retry-After", wait.to_string())
                    .content_type("application/json")
                    .body(body.to_string()));
            }
        }
        Ok(self.inner.call(req).await?.into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::Limiter;

    #[test]
    fn a_client_gets_its_quota_per_minute_and_others_theirs() {
        let limiter = Limiter::new(3);
        let (a, b) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..3 {
            assert!(limiter.admit(a, 120).is_ok());
        }
        assert_eq!(limiter.admit(a, 150), Err(30), "wait until the minute ends");
        assert!(limiter.admit(b, 150).is_ok(), "another client is not affected");
        assert!(limiter.admit(a, 180).is_ok(), "a new minute, a new quota");
    }
}
