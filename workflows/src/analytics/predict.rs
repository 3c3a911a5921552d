//! Predictions for one procurement, by the served version of each kind, or (while none is
//! served) by the original product's formula, which the answer names. Each is recorded with the
//! version that made it. Organizers see their own procurements' predictions; staff and service
//! keys see all.
//!
//! `confidence` is how much the answering version is worth on the newest (held-out) history, in
//! 0..1, the same for all its answers: success and price advice `2·(AUC − 0.5)` of the success
//! version at a quarter of the window (0 = no better than chance, 1 = perfect ranking); demand
//! `max(0, 1 − MASE)` of the demand version (0 = no better than repeating the last comparable
//! procurement). The original formulas keep the original's fixed 0.5, 0.4 and 0.35.

use super::extract;
use super::versions::{self, ModelType, Version};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::page::{Page, PageRequest, fetch_counted};
use analytics::{DemandModel, Progress, Row, SuccessModel, heuristic, price};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, QueryBuilder};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// A recorded prediction (the original's fields, plus who answered and the details).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Prediction {
    pub id: i64,
    pub procurement_id: i64,
    pub procurement_title: String,
    pub ml_model_id: Option<i64>,
    pub prediction_type: String,
    pub predicted_value: f64,
    pub confidence: Option<f64>,
    /// `model`, or the baseline that answered (`heuristic`).
    pub answered_by: String,
    pub input_features: Value,
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT pp.id, pp.procurement_id, p.title AS procurement_title, pp.ml_model_id, pp.prediction_type,
        pp.predicted_value, pp.confidence, pp.answered_by, pp.input_features, pp.details, pp.created_at
    FROM procurement_predictions pp JOIN procurements p ON p.id = pp.procurement_id";

/// An answer before it is recorded.
pub(super) struct Answer {
    pub(super) model: Option<i64>,
    pub(super) value: f64,
    confidence: f64,
    answered_by: &'static str,
    details: Value,
}

/// Predicts `kind` for a procurement now and records it (404 unknown, 403 not the organizer's).
pub async fn predict(pool: &PgPool, actor: Actor, procurement_id: i64, kind: ModelType) -> DomainResult<Prediction> {
    let mut conn = pool.acquire().await?;
    let (row, progress, organizer) = extract::live(&mut conn, procurement_id, Utc::now())
        .await?
        .ok_or_else(|| DomainError::not_found("procurement", procurement_id))?;
    ensure_may_see(&mut conn, actor, organizer).await?;
    let answer = match kind {
        ModelType::SuccessPrediction => success_answer(&mut conn, &row, progress).await?,
        ModelType::DemandForecast => demand(&mut conn, &row).await?,
        ModelType::PriceOptimization => price_advice(&mut conn, &row, progress).await?,
    };
    let features = json!({
        "category": row.category,
        "city": row.city,
        "target_amount": row.target_amount,
        "participant_count": progress.participants,
        "days_active": row.duration_days().floor(),
        "price_per_unit": row.price_per_unit,
        "current_amount": progress.share * row.target_amount,
        "progress": progress.share * 100.0,
        "elapsed": progress.elapsed,
        "organizer_finished": row.organizer_finished,
    });
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO procurement_predictions
             (procurement_id, ml_model_id, prediction_type, predicted_value, confidence, answered_by, input_features, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(procurement_id)
    .bind(answer.model)
    .bind(kind.as_str())
    .bind(answer.value)
    .bind(answer.confidence)
    .bind(answer.answered_by)
    .bind(features)
    .bind(answer.details)
    .fetch_one(&mut *conn)
    .await?;
    Ok(sqlx::query_as(crate::sql!("{SELECT} WHERE pp.id = $1")).bind(id).fetch_one(&mut *conn).await?)
}

/// Recorded predictions, newest first, for one procurement or all the caller may see.
pub async fn list(
    pool: &PgPool,
    actor: Actor,
    procurement: Option<i64>,
    page: PageRequest,
) -> DomainResult<Page<Prediction>> {
    let mut conn = pool.acquire().await?;
    let mut query = QueryBuilder::new(format!("SELECT *, count(*) OVER () AS total FROM ({SELECT} WHERE TRUE"));
    if let Some(id) = procurement {
        query.push(" AND pp.procurement_id = ").push_bind(id);
    }
    if !is_staff(&mut conn, actor).await? {
        query.push(" AND p.organizer_id = ").push_bind(actor.user_id());
    }
    query.push(") rows ORDER BY id DESC LIMIT ").push_bind(page.limit());
    query.push(" OFFSET ").push_bind(page.offset());
    Ok(fetch_counted(query, &mut conn, page).await?)
}

async fn is_staff(conn: &mut PgConnection, actor: Actor) -> DomainResult<bool> {
    let Actor::User(id) = actor else { return Ok(true) };
    Ok(sqlx::query_scalar("SELECT is_staff FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .unwrap_or(false))
}

async fn ensure_may_see(conn: &mut PgConnection, actor: Actor, organizer: i64) -> DomainResult<()> {
    if actor.may_act_for(organizer) || is_staff(conn, actor).await? {
        return Ok(());
    }
    Err(DomainError::forbidden("predictions are for the procurement's organizer and staff"))
}

/// Fitted models by version id, parsed once: a ready version's artifact never changes.
type Parsed = Arc<dyn Any + Send + Sync>;
static PARSED: LazyLock<Mutex<HashMap<i64, Parsed>>> = LazyLock::new(Mutex::default);
/// Versions kept parsed (the served ones, and a few just replaced).
const PARSED_KEPT: usize = 8;

async fn served<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
    conn: &mut PgConnection,
    kind: ModelType,
) -> DomainResult<Option<(Version, Arc<T>)>> {
    let Some(version) = versions::served_version(conn, kind).await? else { return Ok(None) };
    let cached = PARSED.lock().ok().and_then(|m| m.get(&version.id).cloned());
    if let Some(model) = cached.and_then(|m| m.downcast::<T>().ok()) {
        return Ok(Some((version, model)));
    }
    let Some(artifact) = versions::artifact(conn, version.id).await? else { return Ok(None) };
    let Ok(model) = serde_json::from_value::<T>(artifact) else { return Ok(None) };
    let model = Arc::new(model);
    if let Ok(mut parsed) = PARSED.lock() {
        if parsed.len() >= PARSED_KEPT {
            parsed.clear();
        }
        parsed.insert(version.id, model.clone());
    }
    Ok(Some((version, model)))
}

fn auc_confidence(v: &Version) -> f64 {
    (2.0 * (v.performance.unwrap_or(0.5) - 0.5)).clamp(0.0, 1.0)
}

/// The served success version's answer for `row` at `progress`, or the original formula's.
pub(super) async fn success_answer(conn: &mut PgConnection, row: &Row, progress: Progress) -> DomainResult<Answer> {
    Ok(match served::<SuccessModel>(conn, ModelType::SuccessPrediction).await? {
        Some((v, model)) => Answer {
            model: Some(v.id),
            value: model.probability(row, progress, row.price_per_unit),
            confidence: auc_confidence(&v),
            answered_by: "model",
            details: json!({}),
        },
        None => Answer {
            model: None,
            value: (heuristic::success(progress.share, progress.participants, row.duration_days()) * 1e4).round() / 1e4,
            confidence: heuristic::SUCCESS_CONFIDENCE,
            answered_by: "heuristic",
            details: json!({ "note": "no success_prediction version is served: the original formula answered" }),
        },
    })
}

async fn demand(conn: &mut PgConnection, row: &Row) -> DomainResult<Answer> {
    Ok(match served::<DemandModel>(conn, ModelType::DemandForecast).await? {
        Some((v, model)) => {
            let d = model.predict(row, row.price_per_unit);
            Answer {
                model: Some(v.id),
                value: d.participants,
                confidence: (1.0 - v.performance.unwrap_or(1.0)).clamp(0.0, 1.0),
                answered_by: "model",
                details: json!({ "participants": d.participants, "units": d.units }),
            }
        }
        None => Answer {
            model: None,
            value: heuristic::demand(row.target_amount, row.price_per_unit),
            confidence: heuristic::DEMAND_CONFIDENCE,
            answered_by: "heuristic",
            details: json!({ "note": "no demand_forecast version is served: the original formula answered" }),
        },
    })
}

async fn price_advice(conn: &mut PgConnection, row: &Row, progress: Progress) -> DomainResult<Answer> {
    let success = served::<SuccessModel>(conn, ModelType::SuccessPrediction).await?;
    let demand = served::<DemandModel>(conn, ModelType::DemandForecast).await?;
    Ok(match (success, demand) {
        (Some((sv, s)), Some((dv, d))) => {
            let advice = price::advise(&s, &d, row, progress);
            Answer {
                model: Some(sv.id),
                value: advice.price,
                confidence: auc_confidence(&sv),
                answered_by: "model",
                details: json!({ "effect": advice.effect(), "advice": advice, "demand_model": dv.id }),
            }
        }
        _ => Answer {
            model: None,
            value: heuristic::price(row.target_amount, progress.participants),
            confidence: heuristic::PRICE_CONFIDENCE,
            answered_by: "heuristic",
            details: json!({
                "note": "price advice needs served success_prediction and demand_forecast versions: the original formula answered"
            }),
        },
    })
}
