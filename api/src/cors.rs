//! The cross-origin policy, explicit: browsers on the origins in `CORS_ORIGINS` may call the API
//! (a preflight gets 204 with what they may send); a preflight from any other origin gets a 403
//! that says why. Without configured origins only our own pages (same origin) call the API.
//! Credentials (cookies) are never allowed cross-origin: the admin app is served same-origin.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use std::sync::Arc;

const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS: &str = "authorization, content-type, x-csrftoken";
/// How long a browser may reuse a preflight's answer.
const MAX_AGE_SECS: &str = "600";

/// The origins (`scheme://host[:port]`) allowed to call the API from a browser.
#[derive(Clone, Default)]
pub struct Cors {
    origins: Arc<[String]>,
}

impl Cors {
    pub fn new(origins: impl IntoIterator<Item = String>) -> Self {
        Self { origins: origins.into_iter().map(|o| o.trim_end_matches('/').to_string()).collect() }
    }

    fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }
}

impl<E: Endpoint> Middleware<E> for Cors {
    type Output = CorsEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        CorsEndpoint { inner, cors: self.clone() }
    }
}

pub struct CorsEndpoint<E> {
    inner: E,
    cors: Cors,
}

impl<E: Endpoint> Endpoint for CorsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let origin = req.header(header::ORIGIN).map(str::to_string);
        let preflight =
            *req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let Some(origin) = origin.filter(|o| self.cors.allows(o)) else {
            if preflight {
                let body = serde_json::json!({
                    "error": "cross-origin requests from this origin are not allowed (the server's CORS_ORIGINS)",
                    "code": "cors_origin_not_allowed",
                });
                return Ok(poem::web::Json(body).with_status(StatusCode::FORBIDDEN).into_response());
            }
            return Ok(self.inner.call(req).await?.into_response());
        };
        let mut response = if preflight {
            let mut r = StatusCode::NO_CONTENT.into_response();
            let h = r.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOWED_METHODS));
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE_SECS));
            r
        } else {
            self.inner.call(req).await?.into_response()
        };
        let h = response.headers_mut();
        if let Ok(origin) = HeaderValue::from_str(&origin) {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        h.append(header::VARY, HeaderValue::from_static("origin"));
        Ok(response)
    }
}
