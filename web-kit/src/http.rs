//! The JSON client for the GroupBuy API as the browser apps use it: cookies go along
//! (`credentials: include`), writes carry the `X-CSRFToken` header the API checks for cookie
//! sessions (the staff app), a bearer token goes along once one is set (the web cabinet's
//! session), and a refusal becomes an [`ApiError`] with the API's own message for the page to
//! show.

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::fmt;
use wasm_bindgen::JsCast;
use web_sys::RequestCredentials;

/// A refused or failed request: the API's `{"error", "code"}` with the HTTP status, or a
/// network failure (`status` 0) or an answer the app cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub error: String,
    pub code: String,
}

impl ApiError {
    fn local(code: &str, error: impl fmt::Display) -> Self {
        Self { status: 0, error: error.to_string(), code: code.into() }
    }

    /// The API said the caller is not logged in.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)
    }
}

thread_local! {
    /// The token from the login answer, for browsers where the `csrftoken` cookie cannot be
    /// read (a cookie scoped to another path): the cookie wins when present.
    static CSRF_FALLBACK: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The access token every request carries as `Authorization: Bearer`, when set.
    static BEARER: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Sends `token` as `Authorization: Bearer` with every later request (`None`: no header).
pub fn set_bearer_token(token: Option<String>) {
    BEARER.with(|t| *t.borrow_mut() = token);
}

fn with_bearer(request: RequestBuilder) -> RequestBuilder {
    match BEARER.with(|t| t.borrow().clone()) {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// Remembers the CSRF token a login answer carried.
pub fn remember_csrf_token(token: Option<String>) {
    CSRF_FALLBACK.with(|t| *t.borrow_mut() = token);
}

/// The value of the `csrftoken` cookie, else the remembered token.
pub fn csrf_token() -> Option<String> {
    let cookies = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default();
    cookie_value(&cookies, "csrftoken").or_else(|| CSRF_FALLBACK.with(|t| t.borrow().clone()))
}

/// One cookie's value out of a `document.cookie` string.
pub fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then(|| value.to_owned())
    })
}

/// `GET url?query` → `T`.
pub async fn get<T: DeserializeOwned>(url: &str, query: &[(String, String)]) -> Result<T, ApiError> {
    let request = RequestBuilder::new(url)
        .method(Method::GET)
        .credentials(RequestCredentials::Include)
        .query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    read(with_bearer(request).send().await).await
}

/// A write (`POST`, `PATCH`, `DELETE`) with an optional JSON body → `T` (`()` for a 204).
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    url: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let mut request = with_bearer(RequestBuilder::new(url).method(method).credentials(RequestCredentials::Include));
    if let Some(token) = csrf_token() {
        request = request.header("X-CSRFToken", &token);
    }
    let sent = match body {
        Some(body) => match request.json(body) {
            Ok(request) => request.send().await,
            Err(e) => return Err(ApiError::local("unsendable", e)),
        },
        None => request.send().await,
    };
    read(sent).await
}

/// `POST url` with a JSON body.
pub async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    send(Method::POST, url, Some(body)).await
}

/// `POST url` without a body (the toggles).
pub async fn post_empty<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    send::<(), T>(Method::POST, url, None).await
}

/// `PATCH url` with a JSON body.
pub async fn patch<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    send(Method::PATCH, url, Some(body)).await
}

/// `DELETE url`.
pub async fn delete<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    send::<(), T>(Method::DELETE, url, None).await
}

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = sent.map_err(|e| ApiError::local("network", format!("the server cannot be reached: {e}")))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| ApiError::local("unreadable", e))?;
    if !response.ok() {
        return Err(refusal(status, &text));
    }
    // A 204 has no body: read it as `null`, which `()` and `Option` accept.
    let text = if text.trim().is_empty() { "null" } else { text.as_str() };
    serde_json::from_str(text).map_err(|e| ApiError {
        status,
        error: format!("unexpected answer from the server: {e}"),
        code: "unreadable".into(),
    })
}

/// The API's `{"error", "code"}`; anything else (a proxy's HTML page) keeps the status line.
pub fn refusal(status: u16, body: &str) -> ApiError {
    let parsed: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let text = |key: &str| parsed.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    ApiError {
        status,
        error: text("error").or_else(|| text("detail")).unwrap_or_else(|| format!("request failed (HTTP {status})")),
        code: text("code").unwrap_or_else(|| format!("http_{status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::{cookie_value, refusal};

    #[test]
    fn the_csrf_cookie_is_found_among_others() {
        assert_eq!(cookie_value("a=1; csrftoken=abc; b=2", "csrftoken").as_deref(), Some("abc"));
        assert_eq!(cookie_value("xcsrftoken=abc", "csrftoken"), None);
        assert_eq!(cookie_value("csrftoken=", "csrftoken"), None);
    }

    #[test]
    fn a_refusal_keeps_the_apis_message_and_code() {
        let e = refusal(409, r#"{"error":"category is in use","code":"category_in_use"}"#);
        assert_eq!((e.status, e.error.as_str(), e.code.as_str()), (409, "category is in use", "category_in_use"));
        let e = refusal(502, "<html>bad gateway</html>");
        assert_eq!((e.error.as_str(), e.code.as_str()), ("request failed (HTTP 502)", "http_502"));
    }
}
