//! `/api/admin/dashboard/` and its chart series: the figures, zero-filled, from real rows.

use crate::support::*;
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn the_dashboard_refuses_anonymous_callers_and_people() {
    let app = TestApp::spawn().await;
    let someone = app.register("buyer").await;
    for path in ["/api/admin/dashboard/", "/api/admin/dashboard/series/"] {
        assert_error(&send(app.anon(Method::GET, path)).await, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_error(&send(app.as_user(someone, Method::GET, path)).await, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn the_dashboard_counts_users_procurements_payments_and_messages() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("operator").await;
    let (procurement, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    app.draft(organizer, json!({})).await;
    sqlx::query(
        "INSERT INTO payments (user_id, payment_type, amount, status, paid_at) VALUES
             ($1, 'deposit', 1500.00, 'succeeded', now()),
             ($1, 'deposit', 100.00, 'succeeded', now() - interval '10 days'),
             ($1, 'deposit', 70.00, 'pending', NULL)",
    )
    .bind(buyer)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO chat_messages (procurement_id, user_id, text, seq) VALUES ($1, $2, 'hi', 1)")
        .bind(procurement)
        .bind(buyer)
        .execute(&app.pool)
        .await
        .unwrap();

    let (status, d) = send(app.as_staff(&token, Method::GET, "/api/admin/dashboard/")).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    // the staff account is a user too
    assert_eq!((d["total_users"].as_i64(), d["new_users_today"].as_i64()), (Some(3), Some(3)), "{d}");
    assert_eq!((d["new_users_week"].as_i64(), d["new_users_month"].as_i64()), (Some(3), Some(3)));
    assert_eq!(d["users_by_role"], json!({ "buyer": 2, "organizer": 1, "supplier": 0 }));
    assert_eq!(d["users_by_platform"], json!({ "telegram": 2, "vk": 0, "websocket": 0, "whatsapp": 0 }));
    assert_eq!(d["total_procurements"], 2);
    assert_eq!(
        d["procurements_by_status"],
        json!({ "draft": 1, "active": 1, "stopped": 0, "payment": 0, "completed": 0, "cancelled": 0 })
    );
    assert_eq!((d["active_procurements"].as_i64(), d["completed_procurements"].as_i64()), (Some(1), Some(0)));
    assert_eq!(d["total_payments"], 3);
    assert_eq!(d["payments_by_status"]["succeeded"], 2);
    assert_eq!(d["payments_by_status"]["refunded"], 0);
    assert_eq!(
        (
            d["total_revenue"].as_str(),
            d["revenue_today"].as_str(),
            d["revenue_week"].as_str(),
            d["revenue_month"].as_str()
        ),
        (Some("1600.00"), Some("1500.00"), Some("1500.00"), Some("1600.00"))
    );
    assert_eq!((d["total_messages"].as_i64(), d["messages_today"].as_i64()), (Some(1), Some(1)));
}

#[tokio::test]
async fn the_series_has_one_entry_per_day_and_reads_the_daily_statistics() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("operator").await;
    let buyer = app.register("buyer").await;
    let today = Utc::now().date_naive();
    let yesterday = today - Duration::days(1);
    sqlx::query("INSERT INTO daily_stats (day, stats) VALUES ($1, '{\"new_users\": 5, \"new_procurements\": 2}')")
        .bind(yesterday)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO payments (user_id, payment_type, amount, status, paid_at) VALUES ($1, 'deposit', 42.50, 'succeeded', now())")
        .bind(buyer)
        .execute(&app.pool)
        .await
        .unwrap();

    let (status, s) = send(app.as_staff(&token, Method::GET, "/api/admin/dashboard/series/")).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let days = s["days"].as_array().unwrap();
    assert_eq!(days.len(), 30, "default 30 days");
    assert_eq!(days[29]["date"], today.to_string(), "oldest first, today last");
    assert_eq!(days[0]["date"], (today - Duration::days(29)).to_string());
    assert_eq!(
        days[29],
        json!({ "date": today.to_string(), "registrations": 2, "procurements_created": 0, "revenue": "42.50", "messages": 0 })
    );
    assert_eq!(
        days[28],
        json!({ "date": yesterday.to_string(), "registrations": 5, "procurements_created": 2, "revenue": "0.00", "messages": 0 })
    );
    assert_eq!(days[0]["registrations"], 0, "zero days are there for the charts");

    let (_, s) = send(app.as_staff(&token, Method::GET, "/api/admin/dashboard/series/?days=1")).await;
    assert_eq!(s["days"].as_array().map(Vec::len), Some(1));
    for bad in ["0", "366", "-3", "many"] {
        let (status, body) =
            send(app.as_staff(&token, Method::GET, &format!("/api/admin/dashboard/series/?days={bad}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}
