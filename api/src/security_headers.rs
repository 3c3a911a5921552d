//! Headers every answer carries so browsers do not second-guess it: no content sniffing, no
//! framing of our pages (clickjacking the admin app) except the web cabinet inside Telegram's
//! web client (a Mini App is a frame there), a content security policy on pages, and uploaded
//! files served as inert downloads-in-place (an uploaded HTML or SVG cannot run script).

use poem::http::{HeaderName, HeaderValue, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

/// Pages built from our own files: scripts and WebAssembly only from this origin, no framing.
const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
/// The web cabinet at `/`: as the admin app, but Telegram's web clients may frame it (the Mini
/// App); `X-Frame-Options` cannot name origins, so only the policy speaks for it.
const CABINET_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; \
     frame-ancestors 'self' https://web.telegram.org https://*.web.telegram.org; base-uri 'self'; \
     form-action 'self'; object-src 'none'";
/// Pages that carry their script inline (Swagger UI, the bot playground, the sandbox bank's
/// payment page): the same, but inline script allowed.
const INLINE_PAGE_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
/// People's uploads: never a document with powers.
const UPLOAD_POLICY: &str = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";

/// Adds the headers to every answer of the wrapped endpoint.
pub struct SecurityHeaders;

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        SecurityHeadersEndpoint { inner }
    }
}

pub struct SecurityHeadersEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let path = req.uri().path().to_string();
        let mut response = self.inner.call(req).await?.into_response();
        let headers = response.headers_mut();
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        let is_page =
            headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
        let (policy, frameable) = if path.starts_with("/media/") {
            (Some(UPLOAD_POLICY), false)
        } else if is_page && path.starts_with("/admin-panel") {
            (Some(APP_POLICY), false)
        } else if is_page && (path.starts_with("/api/") || path.starts_with("/bot-playground")) {
            (Some(INLINE_PAGE_POLICY), false)
        } else if is_page {
            (Some(CABINET_POLICY), true)
        } else {
            (None, false)
        };
        if let Some(policy) = policy {
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
            if !frameable {
                headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            }
        }
        // The SameSite cookies of the admin app are first-party only; say so to the browser's
        // cross-origin isolation too.
        headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
        Ok(response)
    }
}
