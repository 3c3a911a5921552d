//! `/api/ml/models/`: the model versions with their metrics beside the baselines, which one is
//! served, and training on demand (the staff session works there as under `/api/admin/`).

use super::{ApiError, Page};
use serde::{Deserialize, Serialize};

/// The kinds that are trained (price advice combines the served success and demand versions).
pub const TRAINED: [&str; 2] = ["success_prediction", "demand_forecast"];

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Scores {
    pub auc: f64,
    pub brier: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Errors {
    pub mae: f64,
    pub mase: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub count: u64,
    pub predicted: f64,
    pub observed: f64,
}

/// AUC of the model minus the logistic regression, with its 95 % paired-bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Gain {
    pub observed: f64,
    pub low: f64,
    pub high: f64,
    pub resamples: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Baselines {
    pub heuristic: Option<serde_json::Value>,
    pub base_rate: Option<Scores>,
    pub logistic_regression: Option<Scores>,
    pub naive: Option<Errors>,
}

impl Baselines {
    /// The original formula's scores: AUC/Brier for success, MAE/MASE for demand.
    pub fn heuristic_scores(&self) -> Option<Scores> {
        self.heuristic.clone().and_then(|v| serde_json::from_value(v).ok())
    }

    pub fn heuristic_errors(&self) -> Option<Errors> {
        self.heuristic.clone().and_then(|v| serde_json::from_value(v).ok())
    }
}

/// A version's metrics on the newest (test) part of the history; which fields are present
/// depends on the kind.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Metrics {
    pub auc: Option<f64>,
    pub brier: Option<f64>,
    pub mae: Option<f64>,
    pub mase: Option<f64>,
    pub at_elapsed: Option<f64>,
    pub baselines: Baselines,
    pub calibration: Vec<CalibrationBin>,
    pub auc_gain_over_logistic: Option<Gain>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Version {
    pub id: i64,
    pub model_type: String,
    /// training, ready or failed.
    pub status: String,
    pub served: bool,
    pub decision: String,
    pub trigger: String,
    pub metrics: Metrics,
    pub trained_from: Option<String>,
    pub trained_to: Option<String>,
    pub tested_to: Option<String>,
    pub train_rows: u64,
    pub test_rows: u64,
    pub training_metadata: serde_json::Value,
    pub created_at: String,
}

impl Version {
    /// Why training failed, when it did.
    pub fn error(&self) -> Option<String> {
        self.training_metadata.get("error").and_then(|e| e.as_str()).map(str::to_owned)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Status {
    pub message: String,
    pub training: u64,
    pub finished_procurements: u64,
}

#[derive(Serialize)]
struct Train<'a> {
    model_type: &'a str,
}

/// The newest versions (the first page: 20, newest first).
pub async fn list() -> Result<Page<Version>, ApiError> {
    web_kit::http::get("/api/ml/models/", &[]).await
}

pub async fn status() -> Result<Status, ApiError> {
    web_kit::http::get("/api/ml/models/status/", &[]).await
}

/// Records a version `training` and queues its job; the answer is that version.
pub async fn train(model_type: &str) -> Result<Version, ApiError> {
    web_kit::http::post("/api/ml/models/train/", &Train { model_type }).await
}
