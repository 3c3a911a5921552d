//! Staff views of money at `/api/admin/payments/`, `payments/summary/` and `transactions/`:
//! answer shapes, every filter, orderings and page sizes, and the refusals.

use crate::admin_ops::refused_to_outsiders;
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A paid order (a procurement payment, a bonus and a join on the ledger) and two deposits by
/// hand: one succeeded today with a bank id, one pending from last month.
async fn money(app: &TestApp) -> (PaidOrder, i64) {
    let order = app.paid_order().await;
    sqlx::query(
        "INSERT INTO payments (user_id, payment_type, amount, status, external_id, description, paid_at)
         VALUES ($1, 'deposit', 500.00, 'succeeded', 'bank-777', 'Пополнение по СБП', now())",
    )
    .bind(order.buyer)
    .execute(&app.pool)
    .await
    .unwrap();
    let other = app.register("buyer").await;
    sqlx::query(
        "INSERT INTO payments (user_id, payment_type, amount, status, description, created_at)
         VALUES ($1, 'deposit', 70.00, 'pending', 'old one', now() - interval '40 days')",
    )
    .bind(other)
    .execute(&app.pool)
    .await
    .unwrap();
    (order, other)
}

fn ids(page: &Value) -> Vec<i64> {
    page["results"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn payments_list_with_every_filter_and_the_summary() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("cashier").await;
    let (order, other) = money(&app).await;
    let get = |path: &str| send(app.as_staff(&token, Method::GET, path));

    let (status, all) = get("/api/admin/payments/").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["count"], 3, "{all}");
    assert!(all["next"].is_null() && all["previous"].is_null());
    let first = &all["results"][0];
    for key in [
        "id",
        "user",
        "payment_type",
        "amount",
        "status",
        "status_display",
        "external_id",
        "order_id",
        "provider",
        "procurement",
        "description",
        "paid_at",
        "created_at",
        "user_name",
    ] {
        assert!(first.get(key).is_some(), "{key} missing: {first}");
    }
    assert_eq!(first["user_name"], "Тест", "{first}");
    // newest first: the old deposit is last
    assert_eq!(all["results"][2]["description"], "old one");

    let (_, page) = get("/api/admin/payments/?status=succeeded").await;
    assert_eq!(page["count"], 1, "{page}");
    assert_eq!(page["results"][0]["external_id"], "bank-777");
    let (_, page) = get("/api/admin/payments/?payment_type=procurement_payment").await;
    assert_eq!(page["count"], 1, "{page}");
    assert_eq!(page["results"][0]["status"], "waiting_for_capture");
    let (_, page) = get(&format!("/api/admin/payments/?user={other}")).await;
    assert_eq!(page["count"], 1, "{page}");
    let (_, page) = get(&format!("/api/admin/payments/?user={}", order.buyer)).await;
    assert_eq!(page["count"], 2, "{page}");
    let (_, page) = get("/api/admin/payments/?search=BANK-7").await;
    assert_eq!(page["count"], 1, "the bank id, any case: {page}");
    let (_, page) = get("/api/admin/payments/?search=по СБП").await;
    assert_eq!(page["count"], 1, "the description: {page}");
    let (_, page) = get("/api/admin/payments/?search=Тест").await;
    assert_eq!(page["count"], 3, "the first name: {page}");
    let today = chrono::Utc::now().date_naive();
    let (_, page) = get(&format!("/api/admin/payments/?date_from={today}")).await;
    assert_eq!(page["count"], 2, "{page}");
    let (_, page) = get(&format!("/api/admin/payments/?date_to={}", today - chrono::Duration::days(30))).await;
    assert_eq!(page["count"], 1, "{page}");
    let (_, page) = get("/api/admin/payments/?ordering=amount").await;
    assert_eq!(page["results"][0]["amount"], "70.00", "{page}");
    let (_, page) = get("/api/admin/payments/?ordering=-amount&page_size=1&page=2").await;
    assert_eq!(page["results"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["results"][0]["amount"], "300.00", "{page}");
    assert!(page["next"].as_str().unwrap().contains("page_size=1"), "{page}");

    let (status, summary) = get("/api/admin/payments/summary/").await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["total_count"], 3);
    assert_eq!(summary["total_amount"], "870.00");
    assert_eq!(summary["by_status"]["succeeded"], serde_json::json!({ "count": 1, "total": "500.00" }));
    assert_eq!(summary["by_type"]["deposit"], serde_json::json!({ "count": 2, "total": "570.00" }));
    let (_, summary) = get("/api/admin/payments/summary/?payment_type=deposit&status=pending").await;
    assert_eq!((summary["total_count"].as_i64(), summary["total_amount"].as_str()), (Some(1), Some("70.00")));

    for bad in [
        "status=paid",
        "payment_type=gift",
        "date_from=yesterday",
        "date_to=2026-13-01",
        "ordering=password",
        "page_size=101",
        "page_size=0",
        "date_from=2026-12-02&date_to=2026-12-01",
    ] {
        let (status, body) = get(&format!("/api/admin/payments/?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    }
    assert_eq!(get("/api/admin/payments/summary/?status=paid").await.0, StatusCode::BAD_REQUEST);
    assert_error(&get("/api/admin/payments/?page=9").await, StatusCode::NOT_FOUND, "invalid_page");
    for path in ["/api/admin/payments/", "/api/admin/payments/summary/", "/api/admin/transactions/"] {
        refused_to_outsiders(&app, Method::GET, path, order.buyer).await;
    }
}

#[tokio::test]
async fn transactions_list_with_every_filter() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("cashier").await;
    let order = app.paid_order().await;
    let other = app.register("buyer").await;
    app.fund(other, "42.00").await;
    let get = |path: &str| send(app.as_staff(&token, Method::GET, path));

    let (status, all) = get("/api/admin/transactions/").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["count"], 3, "two bonuses and a join: {all}");
    let newest = &all["results"][0];
    for key in [
        "id",
        "user",
        "transaction_type",
        "amount",
        "balance_after",
        "payment",
        "procurement",
        "procurement_title",
        "description",
        "created_at",
        "user_name",
    ] {
        assert!(newest.get(key).is_some(), "{key} missing: {newest}");
    }
    assert_eq!(newest["user"], other, "newest first: {all}");

    let (_, page) = get("/api/admin/transactions/?transaction_type=bonus").await;
    assert_eq!(page["count"], 2, "{page}");
    let (_, page) = get("/api/admin/transactions/?transaction_type=procurement_join").await;
    assert_eq!(page["count"], 1, "{page}");
    assert_eq!(page["results"][0]["amount"], "-300.00", "{page}");
    let (_, page) = get(&format!("/api/admin/transactions/?procurement={}", order.procurement)).await;
    assert_eq!(page["count"], 1, "{page}");
    let (_, page) = get(&format!("/api/admin/transactions/?user={}", order.buyer)).await;
    assert_eq!(page["count"], 2, "{page}");
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let (_, page) = get(&format!("/api/admin/transactions/?date_from={tomorrow}")).await;
    assert_eq!(page["count"], 0, "{page}");
    let (_, page) = get("/api/admin/transactions/?ordering=amount").await;
    assert_eq!(page["results"][0]["amount"], "-300.00", "{page}");
    let (_, by_id) = get("/api/admin/transactions/?ordering=id").await;
    let ascending = ids(&by_id);
    assert!(ascending.windows(2).all(|w| w[0] < w[1]), "{by_id}");

    for bad in ["transaction_type=gift", "date_to=soon", "ordering=-user_name", "page_size=500"] {
        let (status, body) = get(&format!("/api/admin/transactions/?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}
