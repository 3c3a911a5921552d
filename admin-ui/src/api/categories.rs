//! `categories/`: the category tree.

use super::{ApiError, url};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub parent: Option<i64>,
    pub icon: String,
    pub is_active: bool,
    pub procurements_count: u64,
    pub children_count: u64,
}

/// A new category, or the fields of one to change (`parent: None` = top level).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryIn {
    pub name: String,
    pub parent: Option<i64>,
}

pub async fn list() -> Result<Vec<Category>, ApiError> {
    web_kit::http::get(&url("categories/"), &[]).await
}

pub async fn create(category: &CategoryIn) -> Result<Category, ApiError> {
    web_kit::http::post(&url("categories/"), category).await
}

pub async fn update(id: i64, category: &CategoryIn) -> Result<Category, ApiError> {
    web_kit::http::patch(&url(&format!("categories/{id}/")), category).await
}

pub async fn delete(id: i64) -> Result<(), ApiError> {
    web_kit::http::delete(&url(&format!("categories/{id}/"))).await
}
