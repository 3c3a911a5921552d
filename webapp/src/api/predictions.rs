//! The success prediction an organizer asks for their procurement (`/api/ml/predictions/predict/`).

use super::ApiError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Prediction {
    /// Success: the probability 0..1 that the procurement reaches its target.
    pub predicted_value: f64,
    /// What the answering version is worth on held-out history, 0..1.
    pub confidence: Option<f64>,
    /// The model version that answered; `None` when the original formula did.
    pub ml_model: Option<i64>,
    /// Whether a served model version answered.
    pub served: bool,
    pub answered_by: String,
}

#[derive(Serialize)]
struct Ask {
    procurement_id: i64,
    prediction_type: &'static str,
}

pub async fn success(procurement_id: i64) -> Result<Prediction, ApiError> {
    super::post("ml/predictions/predict/", &Ask { procurement_id, prediction_type: "success_prediction" }).await
}
