//! Analytics bodies, with the original's field names (`model_type`, `predicted_value`,
//! `confidence`, `input_features`) plus what it lacked: metrics beside the baselines, the
//! training window, whether a version is served and who answered a prediction.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use serde_json::Value;
use workflows::analytics::ModelType;
use workflows::analytics::predict::Prediction;
use workflows::analytics::versions::{Status, Version};

/// What a model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ModelTypeName {
    SuccessPrediction,
    DemandForecast,
    PriceOptimization,
}

impl From<ModelTypeName> for ModelType {
    fn from(v: ModelTypeName) -> Self {
        match v {
            ModelTypeName::SuccessPrediction => ModelType::SuccessPrediction,
            ModelTypeName::DemandForecast => ModelType::DemandForecast,
            ModelTypeName::PriceOptimization => ModelType::PriceOptimization,
        }
    }
}

/// A model version.
#[derive(Debug, Object)]
pub struct ModelOut {
    pub id: i64,
    pub name: String,
    /// success_prediction or demand_forecast (price advice combines the two served versions).
    pub model_type: String,
    /// training, ready or failed.
    pub status: String,
    /// Whether this version answers predictions now (at most one per model_type).
    pub served: bool,
    /// Why it is or is not served.
    pub decision: String,
    /// What asked for it: `nightly:{tick}`, `staff:{id}` or `service`.
    pub trigger: String,
    pub intent: String,
    /// The headline: success, test AUC at a quarter of the window; demand, MASE of participants.
    #[oai(nullable)]
    pub performance: Option<f64>,
    /// On the newest (test) part of the history: success `auc`, `brier`, `calibration` and the
    /// same metrics of the `baselines` (heuristic, base_rate, logistic_regression); demand `mae`,
    /// `mase` and the naive and heuristic baselines.
    pub metrics: Value,
    /// The training window: openings of the oldest and newest training procurement, and of the
    /// newest test procurement.
    #[oai(nullable)]
    pub trained_from: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub trained_to: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub tested_to: Option<DateTime<Utc>>,
    pub train_rows: i32,
    pub test_rows: i32,
    /// Rows, generated share (`metrics_on_generated_history`), training time; `error` when failed.
    pub training_metadata: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Version> for ModelOut {
    fn from(v: Version) -> Self {
        Self {
            id: v.id,
            name: v.name,
            model_type: v.model_type,
            status: v.status,
            served: v.served,
            decision: v.decision,
            trigger: v.trigger,
            intent: v.intent,
            performance: v.performance,
            metrics: v.metrics,
            trained_from: v.trained_from,
            trained_to: v.trained_to,
            tested_to: v.tested_to,
            train_rows: v.train_rows,
            test_rows: v.test_rows,
            training_metadata: v.training_metadata,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct MlStatusOut {
    /// The original's flag: there is no external trainer; models train in-process.
    pub plexe_available: bool,
    pub message: String,
    /// The served version of each kind.
    pub served: Vec<ModelOut>,
    /// Versions waiting for or in training.
    pub training: i64,
    /// Finished procurements the next training learns from.
    pub finished_procurements: i64,
}

impl From<Status> for MlStatusOut {
    fn from(s: Status) -> Self {
        let message = if s.served.is_empty() {
            "no model is served: predictions come from the original formulas (heuristic)".to_string()
        } else {
            let kinds: Vec<String> = s.served.iter().map(|v| format!("{} (version {})", v.model_type, v.id)).collect();
            format!("served: {}", kinds.join(", "))
        };
        Self {
            plexe_available: false,
            message,
            served: s.served.into_iter().map(ModelOut::from).collect(),
            training: s.training,
            finished_procurements: s.finished_procurements,
        }
    }
}

#[derive(Debug, Object)]
pub struct TrainIn {
    pub model_type: ModelTypeName,
}

#[derive(Debug, Object)]
pub struct PredictIn {
    pub procurement_id: i64,
    /// success_prediction (default), demand_forecast or price_optimization.
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub prediction_type: Option<ModelTypeName>,
}

/// A recorded prediction.
#[derive(Debug, Object)]
pub struct PredictionOut {
    pub id: i64,
    pub procurement: i64,
    pub procurement_title: String,
    /// The version that answered; null when the original formula answered.
    #[oai(nullable)]
    pub ml_model: Option<i64>,
    pub prediction_type: String,
    /// success: probability 0..1; demand: participants; price: price per unit.
    pub predicted_value: f64,
    /// How much the answering version is worth on the newest held-out history, 0..1, the same
    /// for all its answers: success and price `2·(AUC − 0.5)` (0 = chance, 1 = perfect ranking),
    /// demand `max(0, 1 − MASE)` (0 = no better than the naive forecast); the original formulas
    /// keep the original's fixed 0.5, 0.4, 0.35.
    #[oai(nullable)]
    pub confidence: Option<f64>,
    /// `model`, or `heuristic` when no version is served.
    pub answered_by: String,
    /// Whether a served model version answered.
    pub served: bool,
    pub input_features: Value,
    /// Demand: `units`; price: `effect` ("at 95.00 instead of 110.00: success 0.71 instead of 0.52").
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

impl From<Prediction> for PredictionOut {
    fn from(p: Prediction) -> Self {
        Self {
            id: p.id,
            procurement: p.procurement_id,
            procurement_title: p.procurement_title,
            served: p.ml_model_id.is_some(),
            ml_model: p.ml_model_id,
            prediction_type: p.prediction_type,
            predicted_value: p.predicted_value,
            confidence: p.confidence,
            answered_by: p.answered_by,
            input_features: p.input_features,
            details: p.details,
            created_at: p.created_at,
        }
    }
}
