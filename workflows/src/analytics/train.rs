//! Training as a durable job: a version is recorded as `training` together with its job (on
//! demand from the API, or nightly from the scheduler's cron), the job trains it on the older part
//! of the finished history, measures it on the newest part beside its baselines, and serves it
//! only when it beats them and is at least as good there as the version served until then.

use super::extract;
use super::versions::{self, ModelType, Version};
use crate::error::{DomainError, DomainResult};
use crate::queue::Job;
use crate::staff::Operator;
use analytics::{DemandModel, Params, Split, SuccessModel};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

/// Records a version of `kind` to train and queues its job (staff or a service key).
pub async fn request(pool: &PgPool, operator: Operator, kind: ModelType) -> DomainResult<Version> {
    if !ModelType::TRAINED.contains(&kind) {
        return Err(DomainError::invalid(
            "model_type",
            "price_optimization is not trained on its own: price advice combines the served success_prediction \
             and demand_forecast versions; train those",
        ));
    }
    let trigger = match operator.staff_id() {
        Some(id) => format!("staff:{id}"),
        None => "service".to_string(),
    };
    let mut tx = pool.begin().await?;
    let id = queue(&mut tx, kind, &trigger).await?;
    let version = versions::fetch(&mut tx, id).await?.ok_or_else(|| DomainError::not_found("model", id))?;
    tx.commit().await?;
    Ok(version)
}

/// The nightly retraining (a cron tick, seconds since the epoch): one version of each trained
/// kind, once per tick however often the tick runs.
pub async fn queue_nightly(pool: &PgPool, tick: i64) -> DomainResult<usize> {
    let trigger = format!("nightly:{tick}");
    let mut tx = pool.begin().await?;
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM ml_models WHERE trigger = $1")
        .bind(&trigger)
        .fetch_one(&mut *tx)
        .await?;
    if queued > 0 {
        return Ok(0);
    }
    for kind in ModelType::TRAINED {
        queue(&mut tx, kind, &trigger).await?;
    }
    tx.commit().await?;
    Ok(ModelType::TRAINED.len())
}

async fn queue(conn: &mut PgConnection, kind: ModelType, trigger: &str) -> DomainResult<i64> {
    let intent = match kind {
        ModelType::SuccessPrediction => {
            "Predict whether a procurement collects its target, at any moment of its window, from its progress \
             curve and what was known at its opening"
        }
        _ => "Predict the participants and units a procurement gathers, from its category, city, price and target",
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ml_models (name, model_type, trigger, intent) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(format!("boosted-trees-{}", kind.as_str()))
    .bind(kind.as_str())
    .bind(trigger)
    .bind(intent)
    .fetch_one(&mut *conn)
    .await?;
    crate::outbox::enqueue(conn, &Job::TrainModel { model_id: id }, None).await?;
    Ok(id)
}

/// Scores the new version and a served version's artifact on the newest data: (new, served),
/// higher is better; `None` when the artifact cannot be read.
type Compare = Box<dyn Fn(&Value) -> Option<(f64, f64)> + Send>;

/// What one training produced, before it is stored.
struct Outcome {
    metrics: Value,
    performance: f64,
    beats_baselines: bool,
    artifact: Value,
    /// The new version's and the served version's headline on the newest data (higher is better).
    compare: Compare,
}

/// The job: trains version `model_id` if it is still waiting (a second run finds it done).
pub async fn run(pool: &PgPool, model_id: i64) -> DomainResult<()> {
    let mut conn = pool.acquire().await?;
    let Some(version) = versions::fetch(&mut conn, model_id).await? else { return Ok(()) };
    if version.status != "training" {
        return Ok(());
    }
    let kind = ModelType::parse(&version.model_type).unwrap_or(ModelType::SuccessPrediction);
    let rows = extract::finished(&mut conn).await?;
    let generated: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM procurements WHERE generated AND status IN ('completed', 'cancelled')",
    )
    .fetch_one(&mut *conn)
    .await?;
    drop(conn);
    let n = rows.len();
    let started = std::time::Instant::now();
    let trained = tokio::task::spawn_blocking(move || train(kind, rows))
        .await
        .map_err(|e| DomainError::unavailable(format!("training stopped: {e}")))?;
    let metadata = json!({
        "finished_procurements": n,
        "generated_procurements": generated,
        "metrics_on_generated_history": generated > 0,
        "training_seconds": started.elapsed().as_secs_f64(),
        "params": match kind {
            ModelType::DemandForecast => Params::default(),
            _ => analytics::success::PARAMS,
        },
    });
    let Some((split, outcome)) = trained else {
        sqlx::query(
            "UPDATE ml_models SET status = 'failed', decision = $2, training_metadata = $3, updated_at = now()
             WHERE id = $1 AND status = 'training'",
        )
        .bind(model_id)
        .bind(analytics::TOO_LITTLE)
        .bind(json!({ "error": analytics::TOO_LITTLE, "finished_procurements": n }))
        .execute(pool)
        .await?;
        return Ok(());
    };
    store(pool, model_id, kind, &split, outcome, metadata).await
}

fn train(kind: ModelType, rows: Vec<analytics::Row>) -> Option<(Split, Outcome)> {
    let split = analytics::split(rows)?;
    let params = Params::default();
    let outcome = match kind {
        ModelType::DemandForecast => {
            let (model, report) = split.demand(&params);
            let (test, history) = (split.test.clone(), split.history.clone());
            let mase = report.participants.mase;
            Outcome {
                metrics: json!({
                    "mae": report.participants.mae,
                    "mase": mase,
                    "units": report.units,
                    "baselines": {
                        "naive": { "mae": report.participants.naive_mae, "mase": 1.0 },
                        "heuristic": { "mae": report.heuristic_participants_mae, "mase": report.heuristic_participants_mase },
                    },
                    "report": report,
                }),
                performance: mase,
                beats_baselines: report.beats_baselines(),
                artifact: serde_json::to_value(&model).unwrap_or(Value::Null),
                compare: Box::new(move |old| {
                    let old: DemandModel = serde_json::from_value(old.clone()).ok()?;
                    let old_mase = old.report(0, &test, &history).participants.mase;
                    Some((-mase, -old_mase))
                }),
            }
        }
        _ => {
            let (model, report) = split.success(&analytics::success::PARAMS);
            let test = split.test.clone();
            let h = report.headline.clone();
            Outcome {
                metrics: json!({
                    "at_elapsed": h.elapsed,
                    "auc": h.model.auc,
                    "brier": h.model.brier,
                    "baselines": { "heuristic": h.heuristic, "base_rate": h.base_rate, "logistic_regression": h.logistic },
                    "calibration": report.calibration,
                    "auc_gain_over_logistic": report.gain_over_logistic,
                    "report": report,
                }),
                performance: h.model.auc,
                beats_baselines: report.beats_baselines(),
                artifact: serde_json::to_value(&model).unwrap_or(Value::Null),
                compare: Box::new(move |old| {
                    let old: SuccessModel = serde_json::from_value(old.clone()).ok()?;
                    Some((h.model.auc, old.score(&test).auc))
                }),
            }
        }
    };
    Some((split, outcome))
}

async fn store(
    pool: &PgPool,
    model_id: i64,
    kind: ModelType,
    split: &Split,
    outcome: Outcome,
    metadata: Value,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    // One switch of the served version at a time, so two trainings cannot both replace it.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('ml_models.served'))").execute(&mut *tx).await?;
    let current = versions::served(&mut tx, kind).await?;
    let (serve, decision) = match (&current, outcome.beats_baselines) {
        (_, false) => (false, "not served: it does not beat its baselines on the newest data".to_string()),
        (None, true) => (true, "served: it beats its baselines, and no version was served".to_string()),
        (Some((old, artifact)), true) => match (outcome.compare)(artifact) {
            Some((new, was)) if new >= was => (
                true,
                format!(
                    "served: it beats its baselines and is at least as good as version {} on the newest data",
                    old.id
                ),
            ),
            Some(_) => (false, format!("not served: version {} is better on the newest data", old.id)),
            None => (true, format!("served: version {} could not be read back", old.id)),
        },
    };
    if serve {
        sqlx::query("UPDATE ml_models SET served = FALSE, updated_at = now() WHERE model_type = $1 AND served")
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
    }
    let at = |t: i64| DateTime::<Utc>::from_timestamp(t, 0);
    sqlx::query(
        "UPDATE ml_models SET status = 'ready', served = $2, decision = $3, performance = $4, metrics = $5,
                trained_from = $6, trained_to = $7, tested_to = $8, train_rows = $9, test_rows = $10,
                artifact = $11, training_metadata = $12, updated_at = now()
         WHERE id = $1 AND status = 'training'",
    )
    .bind(model_id)
    .bind(serve)
    .bind(&decision)
    .bind(outcome.performance)
    .bind(&outcome.metrics)
    .bind(at(split.window.0))
    .bind(at(split.window.1))
    .bind(at(split.window.2))
    .bind(split.train.len() as i32)
    .bind(split.test.len() as i32)
    .bind(&outcome.artifact)
    .bind(&metadata)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(model_id, kind = kind.as_str(), serve, %decision, "model trained");
    Ok(())
}
