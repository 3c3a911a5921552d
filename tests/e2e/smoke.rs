use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn join_then_leave_then_join_again() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let (status, joined) = app.join(id, buyer, "3").await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["amount"], "300.00");
    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("300.00"), Some(1)));

    let (status, _) = send(
        app.as_user(buyer, Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({"user_id": buyer})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("0.00"), Some(0)));

    let (status, again) = app.join(id, buyer, "1").await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    app.assert_ledger_consistent().await;
}
