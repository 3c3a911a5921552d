//! Analytics over the API: without history the original formulas answer and say so; on
//! generated history the real training job stores versions with metrics beside the baselines,
//! serves one only when it beats them, and predictions name the version that made them;
//! organizers see only their own procurements' predictions; refusals change nothing.

use crate::support::{TestApp, assert_error, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn predict(app: &TestApp, user: i64, procurement: i64, kind: &str) -> (StatusCode, Value) {
    let body = json!({ "procurement_id": procurement, "prediction_type": kind });
    send(app.as_user(user, Method::POST, "/api/ml/predictions/predict/").json(&body)).await
}

fn b_auc(metrics: &Value, baseline: &str) -> f64 {
    metrics["baselines"][baseline]["auc"].as_f64().unwrap()
}

async fn models(app: &TestApp) -> Vec<Value> {
    let (status, page) = send(app.service(Method::GET, "/api/ml/models/")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn without_a_served_model_the_original_formulas_answer_and_say_so() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let other = app.register("organizer").await;

    let (status, p) = predict(&app, organizer, id, "success_prediction").await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!((p["answered_by"].as_str(), p["served"].as_bool()), (Some("heuristic"), Some(false)), "{p}");
    assert!(p["ml_model"].is_null() && p["procurement"] == id, "{p}");
    let value = p["predicted_value"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&value) && p["confidence"] == 0.5, "{p}");
    for key in ["category", "city", "target_amount", "participant_count", "days_active", "price_per_unit", "progress"] {
        assert!(!p["input_features"][key].is_null(), "{key}: {p}");
    }
    let (_, demand) = predict(&app, organizer, id, "demand_forecast").await;
    assert!(demand["predicted_value"].as_f64().unwrap() > 0.0 && demand["confidence"] == 0.4, "{demand}");
    let (_, price) = predict(&app, organizer, id, "price_optimization").await;
    assert!(price["predicted_value"].as_f64().unwrap() > 0.0 && price["confidence"] == 0.35, "{price}");

    // Refusals: unknown procurement, someone else's, nobody, a kind that does not exist.
    assert_error(&predict(&app, organizer, 999_999, "success_prediction").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&predict(&app, other, id, "success_prediction").await, StatusCode::FORBIDDEN, "forbidden");
    let anonymous =
        send(app.anon(Method::POST, "/api/ml/predictions/predict/").json(&json!({ "procurement_id": id }))).await;
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED, "{}", anonymous.1);
    let (status, _) = predict(&app, organizer, id, "weather").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let list = |user: i64| send(app.as_user(user, Method::GET, &format!("/api/ml/predictions/?procurement={id}")));
    let (_, mine) = list(organizer).await;
    assert_eq!(mine["count"], 3, "refusals recorded nothing: {mine}");
    let (_, theirs) = list(other).await;
    assert_eq!(theirs["count"], 0, "{theirs}");
    let (_, all) = send(app.service(Method::GET, "/api/ml/predictions/")).await;
    assert_eq!(all["count"], 3);

    // Training: staff or service only, trained kinds only; too little history fails honestly.
    let train = |kind: &str| json!({ "model_type": kind });
    let by_user =
        send(app.as_user(organizer, Method::POST, "/api/ml/models/train/").json(&train("success_prediction"))).await;
    assert_error(&by_user, StatusCode::FORBIDDEN, "forbidden");
    let price_kind = send(app.service(Method::POST, "/api/ml/models/train/").json(&train("price_optimization"))).await;
    assert_eq!(price_kind.0, StatusCode::BAD_REQUEST, "{}", price_kind.1);
    let unknown = send(app.service(Method::POST, "/api/ml/models/train/").json(&train("plexe"))).await;
    assert_eq!(unknown.0, StatusCode::BAD_REQUEST);
    assert!(models(&app).await.is_empty(), "refused requests recorded no version");
    let (status, version) =
        send(app.service(Method::POST, "/api/ml/models/train/").json(&train("success_prediction"))).await;
    assert_eq!((status, version["status"].as_str()), (StatusCode::CREATED, Some("training")), "{version}");
    app.drain().await;
    let (_, failed) = send(app.service(Method::GET, &format!("/api/ml/models/{}/", version["id"]))).await;
    assert_eq!((failed["status"].as_str(), failed["served"].as_bool()), (Some("failed"), Some(false)), "{failed}");
    assert!(failed["training_metadata"]["error"].as_str().unwrap().contains("too little history"), "{failed}");
    let (_, status) = send(app.service(Method::GET, "/api/ml/models/status/")).await;
    assert!(
        status["served"].as_array().unwrap().is_empty() && status["message"].as_str().unwrap().contains("heuristic")
    );
    assert_error(&send(app.service(Method::GET, "/api/ml/models/999999/")).await, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn trained_on_generated_history_a_served_version_answers_and_retraining_switches_only_when_as_good() {
    let app = TestApp::spawn().await;
    let seeded = workflows::analytics::history::seed(&app.pool, 2500, 7, chrono::Utc::now()).await.unwrap();
    assert_eq!(seeded.procurements, 2500);
    let (_, staff) = app.staff("analyst").await;
    for kind in ["success_prediction", "demand_forecast"] {
        let (status, v) =
            send(app.as_staff(&staff, Method::POST, "/api/ml/models/train/").json(&json!({ "model_type": kind })))
                .await;
        assert_eq!((status, v["trigger"].as_str().map(|t| t.starts_with("staff:"))), (StatusCode::CREATED, Some(true)));
    }
    app.drain().await;
    let versions = models(&app).await;
    assert_eq!(versions.len(), 2);
    let success = versions.iter().find(|v| v["model_type"] == "success_prediction").unwrap();
    let demand = versions.iter().find(|v| v["model_type"] == "demand_forecast").unwrap();
    for v in [success, demand] {
        assert_eq!(v["status"], "ready", "{v}");
        assert_eq!(v["training_metadata"]["metrics_on_generated_history"], true);
        assert!(v["train_rows"].as_i64().unwrap() > v["test_rows"].as_i64().unwrap());
        assert!(v["trained_from"].as_str() < v["tested_to"].as_str());
    }
    let m = &success["metrics"];
    let auc = m["auc"].as_f64().unwrap();
    assert!(auc > 0.8 && auc > m["baselines"]["heuristic"]["auc"].as_f64().unwrap() + 0.05, "{m}");
    assert!(m["baselines"]["logistic_regression"]["brier"].is_number() && m["calibration"].is_array(), "{m}");
    // The gain over the logistic regression is stored with its paired-bootstrap interval.
    let gain = &m["auc_gain_over_logistic"];
    let observed = auc - b_auc(m, "logistic_regression");
    assert!((gain["observed"].as_f64().unwrap() - observed).abs() < 1e-9, "{gain}");
    assert!(gain["low"].as_f64().unwrap() <= observed && observed <= gain["high"].as_f64().unwrap(), "{gain}");
    assert_eq!(gain["resamples"], 1000, "{gain}");
    assert!(demand["metrics"]["mase"].as_f64().unwrap() < 1.0, "{}", demand["metrics"]);
    // Served exactly when it beats every baseline on the newest data.
    let b = &m["baselines"];
    let beats = ["heuristic", "base_rate", "logistic_regression"]
        .iter()
        .all(|k| auc > b[k]["auc"].as_f64().unwrap() && m["brier"].as_f64().unwrap() < b[k]["brier"].as_f64().unwrap());
    assert_eq!(success["served"].as_bool(), Some(beats), "{}", success["decision"]);
    assert_eq!(demand["served"], true, "{}", demand["decision"]);

    let (id, organizer) = app.active(json!({})).await;
    let (status, p) = predict(&app, organizer, id, "demand_forecast").await;
    assert_eq!(
        (status, p["answered_by"].as_str(), &p["ml_model"]),
        (StatusCode::CREATED, Some("model"), &demand["id"]),
        "{p}"
    );
    assert!(p["details"]["units"].as_f64().is_some(), "{p}");
    let (_, p) = predict(&app, organizer, id, "success_prediction").await;
    assert_eq!(p["served"].as_bool(), Some(beats), "{p}");
    let (_, advice) = predict(&app, organizer, id, "price_optimization").await;
    if beats {
        assert!(advice["details"]["effect"].as_str().unwrap().starts_with("at "), "{advice}");
        assert_eq!(advice["ml_model"], success["id"]);
    } else {
        assert_eq!(advice["answered_by"], "heuristic", "{advice}");
    }

    // The nightly cron tick queues one version of each kind, once per tick.
    let tick = 1_800_000_000;
    assert_eq!(workflows::analytics::train::queue_nightly(&app.pool, tick).await.unwrap(), 2);
    assert_eq!(workflows::analytics::train::queue_nightly(&app.pool, tick).await.unwrap(), 0);
    app.drain().await;
    let versions = models(&app).await;
    assert_eq!(versions.len(), 4);
    let newest_demand = versions.iter().find(|v| v["model_type"] == "demand_forecast").unwrap();
    assert_eq!(newest_demand["trigger"], format!("nightly:{tick}"));
    // The same history trains the same model, which is as good on the newest data: it takes over.
    assert_eq!(
        (newest_demand["served"].as_bool(), newest_demand["metrics"]["mase"].as_f64()),
        (Some(true), demand["metrics"]["mase"].as_f64())
    );
    let served: Vec<&Value> = versions.iter().filter(|v| v["served"] == true).collect();
    assert_eq!(served.iter().filter(|v| v["model_type"] == "demand_forecast").count(), 1, "one served per kind");
    let (_, status) = send(app.service(Method::GET, "/api/ml/models/status/")).await;
    assert_eq!(status["served"].as_array().unwrap().len(), served.len(), "{status}");
}
