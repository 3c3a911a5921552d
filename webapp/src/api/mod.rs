//! The API as the web cabinet calls it: `/api/…` with the session's bearer token, renewed once
//! and retried when the API says it expired. One file per resource beside this one.

pub mod categories;
pub mod me;
pub mod participants;
pub mod predictions;
pub mod procurements;

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
