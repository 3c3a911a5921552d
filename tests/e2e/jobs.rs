//! Capture and refund jobs delivered more than once, or when the state no longer calls for them.

use crate::lifecycle::{balance, dec, escrow, try_procurement_status};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use workflows::jobs::{self, Job, JobError};

#[tokio::test]
async fn a_capture_delivered_three_times_pays_the_organizer_once() {
    let app = TestApp::spawn().await;
    let PaidOrder { procurement: id, organizer, participant: pid, .. } = app.paid_order().await;
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    assert_eq!(balance(&app, organizer).await, dec("0"), "capture waits for its job");

    let capture = Job::CapturePayment { participant_id: pid };
    for _ in 0..3 {
        jobs::run(&app.jobs().await, &capture).await.expect("capture runs");
    }
    // The queued capture (the fan-out's only child) runs once more, then the completion step.
    app.drain().await;
    assert_eq!(balance(&app, organizer).await, dec("300.00"));
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT message FROM notifications WHERE user_id = $1 AND dedupe_key LIKE 'fanout.captures:%'",
    )
    .bind(organizer)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(told.len(), 1, "the organizer hears of the captures once: {told:?}");
    assert!(told[0].contains(": 1 ") && told[0].contains("300,00"), "{told:?}");
    assert_eq!(escrow(&app, id).await, dec("0"));
    let captures: i64 = sqlx::query_scalar("SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1")
        .bind(format!("capture:participant:{pid}"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(captures, 1);
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn a_refund_delivered_twice_refunds_once() {
    let app = TestApp::spawn().await;
    let PaidOrder { procurement: id, buyer, participant: pid, .. } = app.paid_order().await;
    assert_eq!(balance(&app, buyer).await, dec("700.00"));
    app.set_status(id, "cancelled").await;
    let refund = Job::RefundPayment { participant_id: pid };
    jobs::run(&app.jobs().await, &refund).await.expect("refund runs");
    jobs::run(&app.jobs().await, &refund).await.expect("a second delivery is a no-op");
    app.drain().await;
    assert_eq!(balance(&app, buyer).await, dec("1000.00"));
    assert_eq!(escrow(&app, id).await, dec("0"));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn jobs_the_state_no_longer_calls_for_fail_permanently_and_move_nothing() {
    let app = TestApp::spawn().await;
    let PaidOrder { procurement: id, organizer, buyer, participant: pid } = app.paid_order().await;
    // Not completed yet: no capture; not cancelled: no refund.
    let capture = jobs::run(&app.jobs().await, &Job::CapturePayment { participant_id: pid }).await;
    assert!(matches!(capture, Err(JobError::Permanent(_))), "{capture:?}");
    let refund = jobs::run(&app.jobs().await, &Job::RefundPayment { participant_id: pid }).await;
    assert!(matches!(refund, Err(JobError::Permanent(_))), "{refund:?}");
    let unknown = jobs::run(&app.jobs().await, &Job::CapturePayment { participant_id: 999_999 }).await;
    assert!(matches!(unknown, Err(JobError::Permanent(_))), "{unknown:?}");
    assert_eq!(balance(&app, organizer).await, dec("0"));
    assert_eq!(balance(&app, buyer).await, dec("700.00"));
    assert_eq!(escrow(&app, id).await, dec("300.00"));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn moving_the_deadline_moves_its_job() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({ "target_amount": "100.00" })).await;
    let jobs_for = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT task_id FROM outbox WHERE task_id LIKE 'deadline:' || $1 || ':%' ORDER BY id",
            )
            .bind(id.to_string())
            .fetch_all(&pool)
            .await
            .unwrap();
            rows
        }
    };
    assert_eq!(jobs_for(&app).await.len(), 1, "publishing queues the deadline job");

    let later = chrono::Utc::now() + chrono::Duration::days(20);
    let (code, body) = send(
        app.as_user(organizer, reqwest::Method::PATCH, &format!("/api/procurements/{id}/"))
            .json(&json!({ "deadline": later.to_rfc3339() })),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let queued = jobs_for(&app).await;
    assert_eq!(queued.len(), 2, "{queued:?}");
    assert_eq!(queued[1], format!("deadline:{id}:{}", later.timestamp()));

    // The first job comes due (as Redis would deliver it): the deadline moved, so nothing happens.
    sqlx::query("UPDATE outbox SET run_at = now() WHERE task_id = $1")
        .bind(&queued[0])
        .execute(&app.pool)
        .await
        .unwrap();
    app.drain().await;
    assert_eq!(app.procurement(id).await["status"], "active");

    // The current one comes due after the deadline: the target was not collected, so it is cancelled.
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 second' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE outbox SET run_at = now() WHERE task_id = $1")
        .bind(&queued[1])
        .execute(&app.pool)
        .await
        .unwrap();
    app.drain().await;
    assert_eq!(app.procurement(id).await["status"], "cancelled");
    let organizer_notices: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications WHERE user_id = $1 AND procurement_id = $2")
            .bind(organizer)
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(organizer_notices, 1);
}

#[tokio::test]
async fn the_payment_deadline_cancels_unpaid_orders_and_tells_the_organizer() {
    let app = TestApp::spawn().await;
    let deadline = chrono::Utc::now() + chrono::Duration::days(7);
    let payment_deadline = deadline + chrono::Duration::days(3);
    let (id, organizer) = app
        .active(json!({ "deadline": deadline.to_rfc3339(), "payment_deadline": payment_deadline.to_rfc3339() }))
        .await;
    let (payer, late) = (app.register("buyer").await, app.register("buyer").await);
    app.fund(payer, "1000.00").await;
    let paying = app.join(id, payer, "2").await.1["id"].as_i64().unwrap();
    let unpaid = app.join(id, late, "1").await.1["id"].as_i64().unwrap();
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    for pid in [paying, unpaid] {
        crate::lifecycle::participant_to(&app, pid, "confirmed").await;
    }
    crate::lifecycle::participant_to(&app, paying, "paid").await;
    let task = format!("payment_deadline:{id}:{}", payment_deadline.timestamp());
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE task_id = $1")
        .bind(&task)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 1, "requesting payment queues the payment-deadline job");

    // Before the deadline the job does nothing.
    assert_eq!(workflows::procurement::reach_payment_deadline(&app.pool, id, chrono::Utc::now()).await.unwrap(), None);
    // The deadline passes; the job comes due (twice, as a redelivery would).
    sqlx::query("UPDATE procurements SET payment_deadline = now() - interval '1 second', deadline = now() - interval '2 seconds' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE outbox SET run_at = now() WHERE task_id = $1").bind(&task).execute(&app.pool).await.unwrap();
    app.drain().await;
    let again = workflows::procurement::reach_payment_deadline(&app.pool, id, chrono::Utc::now()).await.unwrap();
    assert_eq!(again, Some(workflows::procurement::PaymentDeadlineOutcome { paid: 1, cancelled: 0 }));

    assert_eq!(crate::lifecycle::participant(&app, unpaid).await["status"], "cancelled");
    assert_eq!(crate::lifecycle::participant(&app, paying).await["status"], "paid");
    let p = app.procurement(id).await;
    assert_eq!((p["status"].as_str(), p["current_amount"].as_str()), (Some("payment"), Some("200.00")));
    let notices: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, message FROM notifications WHERE procurement_id = $1 AND dedupe_key LIKE 'payment_deadline:%'",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(notices.len(), 2, "{notices:?}");
    let to_organizer = &notices.iter().find(|(u, _)| *u == organizer).expect("organizer told").1;
    assert!(to_organizer.contains("Оплатили: 1") && to_organizer.contains("исключены: 1"), "{to_organizer}");
    assert!(notices.iter().any(|(u, _)| *u == late));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn a_cron_tick_fires_once_however_many_schedulers_fire_it() {
    let app = TestApp::spawn().await;
    let (funded, _) = app.active(json!({ "target_amount": "100.00" })).await;
    let buyer = app.register("buyer").await;
    assert_eq!(app.join(funded, buyer, "1").await.0, StatusCode::CREATED);
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 second' WHERE id = $1")
        .bind(funded)
        .execute(&app.pool)
        .await
        .unwrap();
    let tick = chrono::Utc::now();
    // Three scheduler replicas fire the same tick.
    for _ in 0..3 {
        scheduler::fire(&app.pool, workflows::jobs::CronSchedule::DeadlineSweep, tick).await.unwrap();
    }
    let ticks: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE task_id LIKE 'cron:deadline_sweep:%'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(ticks, 1);
    app.drain().await;
    assert_eq!(app.procurement(funded).await["status"], "stopped", "the tick ran the deadline sweep");

    scheduler::fire(&app.pool, workflows::jobs::CronSchedule::DailyStatistics, tick).await.unwrap();
    app.drain().await;
    let stats: serde_json::Value =
        sqlx::query_scalar("SELECT stats FROM daily_stats").fetch_one(&app.pool).await.unwrap();
    assert!(stats["procurements_by_status"].is_object(), "{stats}");
}
