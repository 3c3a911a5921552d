//! Liveness and readiness for orchestrators.

use crate::state::AppState;
use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{IntoResponse, handler};
use serde_json::json;

/// Alive: the process answers.
#[handler]
pub fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "healthy" }))
}

/// Ready: PostgreSQL and Redis answer.
#[handler]
pub async fn ready(state: Data<&AppState>) -> impl IntoResponse {
    let database = workflows::db::ping(&state.pool).await;
    let redis = match &state.redis {
        None => None,
        Some(client) => Some(ping(client).await),
    };
    let ok = database && redis.unwrap_or(true);
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |up: bool| if up { "ok" } else { "unavailable" };
    Json(json!({
        "status": if ok { "ready" } else { "not_ready" },
        "database": word(database),
        "redis": redis.map_or("not_configured", word),
    }))
    .with_status(status)
}

async fn ping(client: &redis::Client) -> bool {
    let attempt = async {
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    matches!(tokio::time::timeout(std::time::Duration::from_secs(2), attempt).await, Ok(Ok(_)))
}
