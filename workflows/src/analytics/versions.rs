//! Model versions in `ml_models`: each with its kind, status, training window and metrics beside
//! its baselines; at most one ready version of each kind is served.

use crate::error::{DomainError, DomainResult};
use crate::page::{Page, PageRequest, fetch_counted};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, QueryBuilder};

/// What a version predicts (the original's `model_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelType {
    SuccessPrediction,
    DemandForecast,
    PriceOptimization,
}

impl ModelType {
    pub const ALL: [ModelType; 3] = [Self::SuccessPrediction, Self::DemandForecast, Self::PriceOptimization];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuccessPrediction => "success_prediction",
            Self::DemandForecast => "demand_forecast",
            Self::PriceOptimization => "price_optimization",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The kinds trained as versions of their own (price advice combines the served success and
    /// demand versions).
    pub const TRAINED: [ModelType; 2] = [Self::SuccessPrediction, Self::DemandForecast];
}

/// A model version, without its artifact.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Version {
    pub id: i64,
    pub name: String,
    pub model_type: String,
    pub status: String,
    pub served: bool,
    pub decision: String,
    pub trigger: String,
    pub intent: String,
    pub performance: Option<f64>,
    pub metrics: serde_json::Value,
    pub trained_from: Option<DateTime<Utc>>,
    pub trained_to: Option<DateTime<Utc>>,
    pub tested_to: Option<DateTime<Utc>>,
    pub train_rows: i32,
    pub test_rows: i32,
    pub training_metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, model_type, status, served, decision, trigger, intent, performance, metrics, \
     trained_from, trained_to, tested_to, train_rows, test_rows, training_metadata, created_at, updated_at";

/// Every version, newest first.
pub async fn list(pool: &PgPool, page: PageRequest) -> DomainResult<Page<Version>> {
    let mut conn = pool.acquire().await?;
    let mut query = QueryBuilder::new(format!("SELECT {COLUMNS}, count(*) OVER () AS total FROM ml_models"));
    query.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(page.limit());
    query.push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_counted(query, &mut conn, page).await?)
}

pub async fn get(pool: &PgPool, id: i64) -> DomainResult<Version> {
    let mut conn = pool.acquire().await?;
    fetch(&mut conn, id).await?.ok_or_else(|| DomainError::not_found("model", id))
}

pub(super) async fn fetch(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<Version>> {
    sqlx::query_as(crate::sql!("SELECT {COLUMNS} FROM ml_models WHERE id = $1")).bind(id).fetch_optional(conn).await
}

/// The version of `kind` now served (without its artifact).
pub(super) async fn served_version(conn: &mut PgConnection, kind: ModelType) -> sqlx::Result<Option<Version>> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM ml_models WHERE model_type = $1 AND served AND artifact IS NOT NULL"
    ))
    .bind(kind.as_str())
    .fetch_optional(conn)
    .await
}

/// A version's fitted model (never changed once the version is ready).
pub(super) async fn artifact(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar("SELECT artifact FROM ml_models WHERE id = $1 AND artifact IS NOT NULL")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The version of `kind` now served, with its artifact.
pub(super) async fn served(
    conn: &mut PgConnection,
    kind: ModelType,
) -> sqlx::Result<Option<(Version, serde_json::Value)>> {
    let Some(version) = served_version(conn, kind).await? else { return Ok(None) };
    Ok(artifact(conn, version.id).await?.map(|a| (version, a)))
}

/// The served version of each kind (what `GET /api/ml/models/status/` shows).
#[derive(Debug, Clone)]
pub struct Status {
    pub served: Vec<Version>,
    /// Versions waiting for or in training.
    pub training: i64,
    /// Finished procurements the next training would learn from.
    pub finished_procurements: i64,
}

pub async fn status(pool: &PgPool) -> DomainResult<Status> {
    let mut conn = pool.acquire().await?;
    let served: Vec<Version> =
        sqlx::query_as(crate::sql!("SELECT {COLUMNS} FROM ml_models WHERE served ORDER BY model_type"))
            .fetch_all(&mut *conn)
            .await?;
    let training: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ml_models WHERE status = 'training'").fetch_one(&mut *conn).await?;
    let finished_procurements = super::extract::finished_count(&mut conn).await?;
    Ok(Status { served, training, finished_procurements })
}
