//! `auth/`: who is logged in, logging in and out.

use super::{ApiError, url};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub csrf_token: Option<String>,
}

#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

pub async fn me() -> Result<Staff, ApiError> {
    web_kit::http::get(&url("auth/"), &[]).await
}

pub async fn login(username: &str, password: &str) -> Result<Staff, ApiError> {
    let staff: Staff = web_kit::http::post(&url("auth/"), &Credentials { username, password }).await?;
    web_kit::http::remember_csrf_token(staff.csrf_token.clone());
    Ok(staff)
}

pub async fn logout() -> Result<serde_json::Value, ApiError> {
    let answer = web_kit::http::delete(&url("auth/")).await;
    web_kit::http::remember_csrf_token(None);
    answer
}
