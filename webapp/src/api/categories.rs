//! Categories (`/api/procurements/categories/`), for the catalog's filter and the form.

use super::ApiError;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub icon: String,
}

pub async fn list() -> Result<Vec<Category>, ApiError> {
    super::get("procurements/categories/", &[]).await
}
