//! Races over real HTTP: many requests at once must leave the same totals a serial run would.

use crate::lifecycle::{balance, dec, escrow, participant, participant_to};
use crate::support::*;
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// The heavy tests below each use up to the server's whole pool (50 connections); running them
/// one at a time keeps the test binary within PostgreSQL's connection limit.
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn register_many(app: &TestApp, role: &str, n: usize) -> Vec<i64> {
    let mut users = Vec::with_capacity(n);
    for chunk in 0..n.div_ceil(20) {
        let size = 20.min(n - chunk * 20);
        users.extend(join_all((0..size).map(|_| app.register(role))).await);
    }
    users
}

/// The procurement's collected amount and count, and what its active participants add up to.
async fn totals(app: &TestApp, id: i64) -> ((Decimal, i32), (Decimal, i64)) {
    let stored: (Decimal, i32) =
        sqlx::query_as("SELECT current_amount, participant_count FROM procurements WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let actual: (Decimal, i64) = sqlx::query_as(
        "SELECT COALESCE(sum(amount), 0), count(*) FROM participants WHERE procurement_id = $1 AND status <> 'cancelled'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (stored, actual)
}

#[tokio::test]
async fn two_hundred_concurrent_joins_stop_exactly_at_the_stop_amount() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let (id, _) = app
        .active(json!({ "price_per_unit": "100.00", "target_amount": "15000.00", "stop_at_amount": "15000.00" }))
        .await;
    let buyers = register_many(&app, "buyer", 200).await;

    let app_ref = &app;
    let results: Vec<(i64, (StatusCode, Value))> =
        join_all(buyers.iter().map(|&buyer| async move { (buyer, app_ref.join(id, buyer, "1").await) })).await;

    let mut joined = Vec::new();
    let mut refused = 0;
    for (buyer, (status, body)) in &results {
        match *status {
            StatusCode::CREATED => {
                assert_eq!(body["amount"], "100.00", "{body}");
                assert_eq!(body["user"], *buyer, "{body}");
                joined.push(*buyer);
            }
            StatusCode::CONFLICT => {
                let code = body["code"].as_str().unwrap_or_default();
                assert!(matches!(code, "stop_amount_exceeded" | "not_joinable"), "{body}");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((joined.len(), refused), (150, 50));

    let p = app.procurement(id).await;
    assert_eq!(p["status"], "stopped");
    assert_eq!(p["current_amount"], "15000.00");
    assert_eq!(p["participant_count"], 150);
    assert_eq!(totals(&app, id).await, ((dec("15000.00"), 150), (dec("15000.00"), 150)));
    let mut in_db: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM participants WHERE procurement_id = $1 AND status <> 'cancelled' ORDER BY user_id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    joined.sort();
    in_db.sort();
    assert_eq!(in_db, joined, "the participants are exactly the buyers who got a 201");

    let stops: Vec<(Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT from_state, event, data->>'reason' FROM event_log
         WHERE entity_type = 'procurement' AND entity_id = $1 AND to_state = 'stopped'",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stops, [(Some("active".to_string()), "stop".to_string(), Some("stop_amount_reached".to_string()))]);
    let joins: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_log WHERE entity_type = 'participant' AND event = 'join' AND (data->>'procurement_id')::bigint = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(joins, 150);
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE task_id = $1")
        .bind(format!("procurement.stopped:{id}"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 1);

    // Stopped: one more join is refused as not joinable.
    let late = app.register("buyer").await;
    assert_error(&app.join(id, late, "1").await, StatusCode::CONFLICT, "not_joinable");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn a_join_that_would_pass_the_stop_amount_is_refused_with_what_is_left() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({ "price_per_unit": "100.00", "stop_at_amount": "1000.00" })).await;
    let first = app.register("buyer").await;
    let (status, body) = app.join(id, first, "7").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let second = app.register("buyer").await;
    let refused = app.join(id, second, "4").await;
    assert_error(&refused, StatusCode::CONFLICT, "stop_amount_exceeded");
    assert!(refused.1["error"].as_str().unwrap().contains("300.00"), "{}", refused.1);
    assert_eq!(app.procurement(id).await["status"], "active");
    let (status, body) = app.join(id, second, "3").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = app.procurement(id).await;
    assert_eq!(p["status"], "stopped");
    assert_eq!(p["current_amount"], "1000.00");
}

#[tokio::test]
async fn the_same_user_joining_twenty_times_at_once_joins_once() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({ "price_per_unit": "100.00" })).await;
    let buyer = app.register("buyer").await;

    let results = join_all((0..20).map(|_| app.join(id, buyer, "1"))).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{results:?}");
    for result in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_error(result, StatusCode::CONFLICT, "already_participating");
    }
    let p = app.procurement(id).await;
    assert_eq!(p["current_amount"], "100.00");
    assert_eq!(p["participant_count"], 1);
    assert_eq!(totals(&app, id).await, ((dec("100.00"), 1), (dec("100.00"), 1)));
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM participants WHERE procurement_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn a_storm_of_joins_and_leaves_keeps_the_totals_right() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({ "price_per_unit": "100.00" })).await;
    let buyers = register_many(&app, "buyer", 20).await;

    // Each buyer joins and leaves five times each, all 200 requests at once.
    let requests = buyers.iter().enumerate().flat_map(|(i, &buyer)| {
        let quantity = ["1", "2", "3"][i % 3];
        (0..10).map(move |k| (buyer, quantity, k % 2 == 0))
    });
    let app_ref = &app;
    let results = join_all(requests.map(|(buyer, quantity, joining)| async move {
        let result = if joining {
            app_ref.join(id, buyer, quantity).await
        } else {
            send(
                app_ref
                    .as_user(buyer, Method::POST, &format!("/api/procurements/{id}/leave/"))
                    .json(&json!({ "user_id": buyer })),
            )
            .await
        };
        (joining, result)
    }))
    .await;

    let (mut joins, mut leaves) = (0i64, 0i64);
    for (joining, (status, body)) in &results {
        match (joining, *status) {
            (true, StatusCode::CREATED) => joins += 1,
            (false, StatusCode::OK) => leaves += 1,
            (true, StatusCode::CONFLICT) => assert_eq!(body["code"], "already_participating", "{body}"),
            (false, StatusCode::CONFLICT) => assert_eq!(body["code"], "not_participating", "{body}"),
            (_, other) => panic!("unexpected {other}: {body}"),
        }
    }
    // Every buyer's first join to arrive finds no active participation, so succeeds.
    assert!(joins >= 20, "{joins} joins");
    let ((stored_amount, stored_count), (sum, count)) = totals(&app, id).await;
    assert_eq!(count, joins - leaves, "{joins} joins, {leaves} leaves");
    assert_eq!((stored_amount, i64::from(stored_count)), (sum, count));
    let p = app.procurement(id).await;
    assert_eq!(dec(p["current_amount"].as_str().unwrap()), sum);
    assert_eq!(p["participant_count"], count);
    assert_eq!(p["participants"].as_array().unwrap().len() as i64, count);
    // Every successful join and leave is in the event log once.
    let logged: (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE event = 'join'), count(*) FILTER (WHERE event = 'leave')
         FROM event_log WHERE entity_type = 'participant'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(logged, (joins, leaves));
    app.assert_ledger_consistent().await;
}

/// A buyer with a confirmed order in each of `n` procurements, all in `payment`, at 100.00 each.
/// Returns the participants.
async fn orders_awaiting_payment(app: &TestApp, buyer: i64, n: usize) -> Vec<(i64, i64)> {
    let mut orders = Vec::new();
    for _ in 0..n {
        let (id, _) = app.active(json!({ "price_per_unit": "100.00" })).await;
        let (status, body) = app.join(id, buyer, "1").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let pid = body["id"].as_i64().unwrap();
        participant_to(app, pid, "confirmed").await;
        app.set_status(id, "stopped").await;
        app.set_status(id, "payment").await;
        orders.push((id, pid));
    }
    orders
}

async fn pay_as_buyer(app: &TestApp, buyer: i64, pid: i64) -> (StatusCode, Value) {
    send(
        app.as_user(buyer, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "paid" })),
    )
    .await
}

#[tokio::test]
async fn concurrent_payments_never_take_a_balance_below_zero() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let orders = orders_awaiting_payment(&app, buyer, 10).await;
    app.fund(buyer, "350.00").await;

    let results = join_all(orders.iter().map(|&(_, pid)| pay_as_buyer(&app, buyer, pid))).await;
    let paid = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(paid, 3, "{results:?}");
    for result in results.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_error(result, StatusCode::CONFLICT, "insufficient_funds");
    }

    assert_eq!(balance(&app, buyer).await, dec("50.00"));
    let mut in_escrow = Decimal::ZERO;
    let mut statuses = Vec::new();
    for &(id, pid) in &orders {
        in_escrow += escrow(&app, id).await;
        statuses.push(participant(&app, pid).await["status"].as_str().unwrap().to_string());
    }
    assert_eq!(in_escrow, dec("300.00"));
    assert_eq!(statuses.iter().filter(|s| *s == "paid").count(), 3);
    assert_eq!(statuses.iter().filter(|s| *s == "confirmed").count(), 7);
    let lowest: Option<Decimal> = sqlx::query_scalar(
        "SELECT min(e.balance_after) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
         WHERE a.kind = 'user_balance' AND a.user_id = $1",
    )
    .bind(buyer)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(lowest, Some(dec("50.00")), "the balance went 350 → 250 → 150 → 50, never lower");
    let payments: i64 =
        sqlx::query_scalar("SELECT count(*) FROM payments WHERE user_id = $1 AND payment_type = 'procurement_payment'")
            .bind(buyer)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(payments, 3, "a refused payment leaves no payment row");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn paying_one_order_ten_times_at_once_charges_once() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let orders = orders_awaiting_payment(&app, buyer, 1).await;
    let (id, pid) = orders[0];
    app.fund(buyer, "1000.00").await;

    let results = join_all((0..10).map(|_| pay_as_buyer(&app, buyer, pid))).await;
    let paid = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(paid, 1, "{results:?}");
    for result in results.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_error(result, StatusCode::CONFLICT, "illegal_transition");
        assert_eq!(result.1["error"], "a participant cannot go from 'paid' to 'paid'");
    }
    assert_eq!(balance(&app, buyer).await, dec("900.00"));
    assert_eq!(escrow(&app, id).await, dec("100.00"));
    assert_eq!(participant(&app, pid).await["status"], "paid");
    app.assert_ledger_consistent().await;
}

/// `n` funded buyers with confirmed 100.00 orders in one procurement in `payment`.
/// Returns (procurement, organizer, [(buyer, participant)]).
async fn procurement_awaiting_payments(app: &TestApp, n: usize) -> (i64, i64, Vec<(i64, i64)>) {
    let (id, organizer) = app.active(json!({ "price_per_unit": "100.00" })).await;
    let buyers = register_many(app, "buyer", n).await;
    let mut orders = Vec::new();
    for buyer in buyers {
        app.fund(buyer, "100.00").await;
        let (status, body) = app.join(id, buyer, "1").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let pid = body["id"].as_i64().unwrap();
        participant_to(app, pid, "confirmed").await;
        orders.push((buyer, pid));
    }
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    (id, organizer, orders)
}

#[tokio::test]
async fn cancelling_while_buyers_pay_refunds_every_payment() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let (id, organizer, orders) = procurement_awaiting_payments(&app, 20).await;

    let app_ref = &app;
    let pays = join_all(orders.iter().map(|&(buyer, pid)| pay_as_buyer(app_ref, buyer, pid)));
    let cancel = async {
        send(
            app_ref
                .as_user(organizer, Method::POST, &format!("/api/procurements/{id}/update_status/"))
                .json(&json!({ "status": "cancelled" })),
        )
        .await
    };
    let (pays, cancelled) = tokio::join!(pays, cancel);
    assert_eq!(cancelled.0, StatusCode::OK, "{}", cancelled.1);
    app.drain().await; // the capture and refund jobs
    for result in &pays {
        match result.0 {
            StatusCode::OK => assert_eq!(result.1["status"], "paid"),
            // After the cancel the order is cancelled.
            _ => assert_error(result, StatusCode::CONFLICT, "illegal_transition"),
        }
    }
    let paid_before_cancel = pays.iter().filter(|r| r.0 == StatusCode::OK).count();
    // Whoever paid first got it back; everyone ends where they started.
    for &(buyer, pid) in &orders {
        assert_eq!(balance(&app, buyer).await, dec("100.00"), "buyer {buyer}");
        assert_eq!(participant(&app, pid).await["status"], "cancelled");
    }
    let refunds: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ledger_transactions WHERE procurement_id = $1 AND transaction_type = 'procurement_refund'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(refunds as usize, paid_before_cancel);
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);
    assert_eq!(balance(&app, organizer).await, Decimal::ZERO);
    assert_eq!(totals(&app, id).await, ((Decimal::ZERO, 0), (Decimal::ZERO, 0)));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn completing_while_buyers_pay_captures_exactly_what_was_paid() {
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let (id, organizer, orders) = procurement_awaiting_payments(&app, 20).await;

    let app_ref = &app;
    let pays = join_all(orders.iter().map(|&(buyer, pid)| pay_as_buyer(app_ref, buyer, pid)));
    let complete = async {
        send(
            app_ref
                .as_user(organizer, Method::POST, &format!("/api/procurements/{id}/update_status/"))
                .json(&json!({ "status": "completed" })),
        )
        .await
    };
    let (pays, completed) = tokio::join!(pays, complete);
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    app.drain().await; // the capture and refund jobs
    let mut paid = 0;
    for (result, &(buyer, pid)) in pays.iter().zip(&orders) {
        let status = participant(&app, pid).await["status"].as_str().unwrap().to_string();
        if result.0 == StatusCode::OK {
            paid += 1;
            assert_eq!(status, "paid");
            assert_eq!(balance(&app, buyer).await, Decimal::ZERO);
        } else {
            // Unpaid at completion: the order was cancelled, and the late payment refused.
            assert_error(result, StatusCode::CONFLICT, "illegal_transition");
            assert_eq!(status, "cancelled");
            assert_eq!(balance(&app, buyer).await, dec("100.00"));
        }
    }
    let captured = Decimal::from(paid) * dec("100.00");
    assert_eq!(balance(&app, organizer).await, captured);
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);
    assert_eq!(totals(&app, id).await, ((captured, paid), (captured, i64::from(paid))));
    app.assert_ledger_consistent().await;
}

/// Batched postings that open and credit the same new accounts at once, each listing them in its
/// own order, all go through: accounts are locked and opened in one global order (a deadlock
/// here once stopped reconciliation), and every balance ends the sum of what was posted.
#[tokio::test]
async fn batched_postings_opening_the_same_accounts_at_once_never_deadlock() {
    use workflows::ledger::{Account, Movement, TransactionType, post_all};
    let _heavy = HEAVY.lock().await;
    let app = TestApp::spawn().await;
    let users = register_many(&app, "buyer", 200).await;
    const BATCHES: usize = 8;
    const ROUNDS: usize = 4;
    for round in 0..ROUNDS {
        let posts = (0..BATCHES).map(|batch| {
            let pool = app.pool.clone();
            let mut order = users.clone();
            order.rotate_left(batch * 5);
            if batch % 2 == 1 {
                order.reverse();
            }
            async move {
                let movements: Vec<Movement> = order
                    .iter()
                    .map(|&user| {
                        Movement::transfer(
                            format!("test:batch:{round}:{batch}:{user}"),
                            TransactionType::Bonus,
                            Account::BankClearing,
                            Account::UserBalance(user),
                            workflows::Money::from_kopecks(100),
                        )
                    })
                    .collect();
                post_all(&mut pool.acquire().await.unwrap(), &movements).await
            }
        });
        for posted in join_all(posts).await {
            assert_eq!(posted.expect("no deadlock, no refusal").len(), users.len());
        }
    }
    for &user in &users {
        assert_eq!(balance(&app, user).await, Decimal::from((BATCHES * ROUNDS) as i64));
    }
    app.assert_ledger_consistent().await;
}
