//! The API as the web cabinet calls it: `/api/…` with the session's bearer token, renewed once
//! and retried when the API says it expired. One file per resource beside this one.

pub mod categories;
pub mod chat;
pub mod me;
pub mod notifications;
pub mod participants;
pub mod payments;
pub mod predictions;
pub mod procurements;
pub mod transactions;

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
pub use web_kit::{ApiError, Page};

/// `/api/{path}`.
pub fn url(path: &str) -> String {
    format!("/api/{path}")
}

/// Runs `request`; on a 401 renews the session and runs it once more.
async fn with_renewal<T, F, Fut>(request: F) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let token = crate::session::stored().map(|s| s.token);
    match request().await {
        Err(e) if e.is_unauthenticated() && token.is_some() => {
            if crate::session::renew_after_refusal(token.as_deref()).await { request().await } else { Err(e) }
        }
        answer => answer,
    }
}

/// `GET /api/{path}?query`.
pub async fn get<T: DeserializeOwned>(path: &str, query: &[(String, String)]) -> Result<T, ApiError> {
    let url = url(path);
    with_renewal(|| web_kit::http::get(&url, query)).await
}

/// `POST /api/{path}` with a JSON body.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let url = url(path);
    with_renewal(|| web_kit::http::post(&url, body)).await
}

/// `PATCH /api/{path}` with a JSON body.
pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let url = url(path);
    with_renewal(|| web_kit::http::patch(&url, body)).await
}

/// `DELETE /api/{path}`.
pub async fn delete<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let url = url(path);
    with_renewal(|| web_kit::http::delete(&url)).await
}

/// `[("page", "2"), …]` from pairs, leaving out empty values (an unset filter).
pub fn query(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// A request that could not even be built here (status 0, like a network failure).
pub fn unsendable(text: &str) -> ApiError {
    ApiError { status: 0, error: text.to_owned(), code: "unsendable".into() }
}

/// `POST /api/{path}` with a multipart form (an upload), made afresh for the retry after a
/// renewal (a sent body cannot be sent again).
pub async fn post_form<T: DeserializeOwned>(
    path: &str,
    form: impl Fn() -> Result<web_sys::FormData, ApiError>,
) -> Result<T, ApiError> {
    let url = url(path);
    with_renewal(|| {
        let form = form();
        let url = url.clone();
        async move {
            let mut request = gloo_net::http::RequestBuilder::new(&url).method(gloo_net::http::Method::POST);
            if let Some(session) = crate::session::stored() {
                request = request.header("Authorization", &format!("Bearer {}", session.token));
            }
            let request = request.body(form?).map_err(|e| unsendable(&e.to_string()))?;
            let response = request.send().await.map_err(|e| ApiError {
                status: 0,
                error: format!("the server cannot be reached: {e}"),
                code: "network".into(),
            })?;
            let status = response.status();
            let text = response.text().await.map_err(|e| unsendable(&e.to_string()))?;
            if !response.ok() {
                return Err(web_kit::http::refusal(status, &text));
            }
            serde_json::from_str(&text).map_err(|e| ApiError {
                status,
                error: format!("unexpected answer from the server: {e}"),
                code: "unreadable".into(),
            })
        }
    })
    .await
}
