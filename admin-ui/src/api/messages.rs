//! `messages/`: chat messages, hidden or restored by staff.

use super::{ApiError, Page, Params, url};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Message {
    pub id: i64,
    pub procurement: i64,
    pub procurement_title: String,
    pub user: Option<i64>,
    pub user_name: String,
    pub message_type: String,
    pub text: String,
    pub is_edited: bool,
    pub is_deleted: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct DeletedFlag {
    pub is_deleted: bool,
}

pub async fn list(params: Params) -> Result<Page<Message>, ApiError> {
    web_kit::http::get(&url("messages/"), &params).await
}

pub async fn toggle_delete(id: i64) -> Result<DeletedFlag, ApiError> {
    web_kit::http::post_empty(&url(&format!("messages/{id}/toggle_delete/"))).await
}
