//! The few API calls the board makes, with the server's field names.

use gloo_net::http::Request;
use money::Money;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProcurementRow {
    pub id: i64,
    pub title: String,
    pub city: String,
    pub organizer_name: String,
    pub category_name: Option<String>,
    pub status: String,
    pub target_amount: Money,
    pub current_amount: Money,
    pub progress: i32,
    pub participant_count: i32,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProcurementPage {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<ProcurementRow>,
}

/// One page of procurements, filtered as the board asks.
pub async fn procurements(status: &str, search: &str, page: i64) -> Result<ProcurementPage, String> {
    let page = page.to_string();
    let mut query = vec![("page", page.as_str()), ("ordering", "-created_at")];
    if !status.is_empty() {
        query.push(("status", status));
    }
    if !search.trim().is_empty() {
        query.push(("search", search.trim()));
    }
    let response = Request::get("/api/procurements/").query(query).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        return Err(body["error"].as_str().unwrap_or("request failed").to_string());
    }
    response.json().await.map_err(|e| e.to_string())
}
