//! The procurement and participant state machines over the REST API: every (from, to) pair, the
//! money each move carries, and the deadline rules.

use crate::support::*;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

const PROCUREMENT_STATES: [&str; 6] = ["draft", "active", "stopped", "payment", "completed", "cancelled"];
const PROCUREMENT_LEGAL: [(&str, &str); 8] = [
    ("draft", "active"),
    ("draft", "cancelled"),
    ("active", "stopped"),
    ("active", "cancelled"),
    ("stopped", "payment"),
    ("stopped", "cancelled"),
    ("payment", "completed"),
    ("payment", "cancelled"),
];
const PARTICIPANT_STATES: [&str; 5] = ["pending", "confirmed", "paid", "delivered", "cancelled"];
const PARTICIPANT_LEGAL: [(&str, &str); 6] = [
    ("pending", "confirmed"),
    ("pending", "cancelled"),
    ("confirmed", "paid"),
    ("confirmed", "cancelled"),
    ("paid", "delivered"),
    ("paid", "cancelled"),
];

pub(crate) fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn procurement_display(status: &str) -> &'static str {
    match status {
        "draft" => "Draft",
        "active" => "Active",
        "stopped" => "Stopped",
        "payment" => "Payment in Progress",
        "completed" => "Completed",
        "cancelled" => "Cancelled",
        other => panic!("unknown procurement status {other}"),
    }
}

fn participant_display(status: &str) -> &'static str {
    match status {
        "pending" => "Pending",
        "confirmed" => "Confirmed",
        "paid" => "Paid",
        "delivered" => "Delivered",
        "cancelled" => "Cancelled",
        other => panic!("unknown participant status {other}"),
    }
}

/// Asks to move procurement `id` to `status` with the service key.
pub(crate) async fn try_procurement_status(app: &TestApp, id: i64, status: &str) -> (StatusCode, Value) {
    send(
        app.service(Method::POST, &format!("/api/procurements/{id}/update_status/")).json(&json!({ "status": status })),
    )
    .await
}

/// Asks to move participant `id` to `status` with the service key.
pub(crate) async fn try_participant_status(app: &TestApp, id: i64, status: &str) -> (StatusCode, Value) {
    send(
        app.service(Method::POST, &format!("/api/procurements/participants/{id}/update_status/"))
            .json(&json!({ "status": status })),
    )
    .await
}

/// Moves participant `id` to `status`, asserting it worked.
pub(crate) async fn participant_to(app: &TestApp, id: i64, status: &str) {
    let (code, body) = try_participant_status(app, id, status).await;
    assert_eq!(code, StatusCode::OK, "participant {id} -> {status}: {body}");
    assert_eq!(body["status"], status, "{body}");
}

pub(crate) async fn participant(app: &TestApp, id: i64) -> Value {
    let (code, body) = send(app.service(Method::GET, &format!("/api/procurements/participants/{id}/"))).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body
}

/// A user's balance as the API reports it.
pub(crate) async fn balance(app: &TestApp, user: i64) -> Decimal {
    let (code, body) = send(app.service(Method::GET, &format!("/api/users/{user}/balance/"))).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    dec(body["balance"].as_str().unwrap())
}

/// The balance of a procurement's escrow account (zero when it was never opened).
pub(crate) async fn escrow(app: &TestApp, procurement: i64) -> Decimal {
    let balance: Option<Decimal> =
        sqlx::query_scalar("SELECT balance FROM ledger_accounts WHERE kind = 'escrow' AND procurement_id = $1")
            .bind(procurement)
            .fetch_optional(&app.pool)
            .await
            .unwrap();
    balance.unwrap_or_default()
}

async fn commission(app: &TestApp) -> Decimal {
    let balance: Option<Decimal> = sqlx::query_scalar("SELECT balance FROM ledger_accounts WHERE kind = 'commission'")
        .fetch_optional(&app.pool)
        .await
        .unwrap();
    balance.unwrap_or_default()
}

/// The user's movements of one type, newest first, as the API lists them.
async fn transactions(app: &TestApp, user: i64, kind: &str) -> Vec<Value> {
    let (code, body) =
        send(app.service(Method::GET, &format!("/api/payments/transactions/?user_id={user}&transaction_type={kind}")))
            .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["results"].as_array().unwrap().clone()
}

/// The status of the `procurement_payment` row of a participant.
async fn payment_status(app: &TestApp, participant: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT status FROM payments WHERE participant_id = $1 AND payment_type = 'procurement_payment' ORDER BY id",
    )
    .bind(participant)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// A fresh procurement (no participants) brought into `status` through the API.
async fn procurement_in(app: &TestApp, status: &str) -> i64 {
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({})).await;
    let path: &[&str] = match status {
        "draft" => &[],
        "active" => &["active"],
        "stopped" => &["active", "stopped"],
        "payment" => &["active", "stopped", "payment"],
        "completed" => &["active", "stopped", "payment", "completed"],
        "cancelled" => &["cancelled"],
        other => panic!("unknown procurement status {other}"),
    };
    for step in path {
        app.set_status(id, step).await;
    }
    assert_eq!(app.procurement(id).await["status"], status);
    id
}

#[tokio::test]
async fn every_procurement_transition_pair() {
    let app = TestApp::spawn().await;
    let mut legal_seen = 0;
    for from in PROCUREMENT_STATES {
        for to in PROCUREMENT_STATES {
            let id = procurement_in(&app, from).await;
            let result = try_procurement_status(&app, id, to).await;
            if PROCUREMENT_LEGAL.contains(&(from, to)) {
                legal_seen += 1;
                assert_eq!(result.0, StatusCode::OK, "{from} -> {to}: {}", result.1);
                assert_eq!(
                    result.1,
                    json!({ "status": to, "status_display": procurement_display(to) }),
                    "{from} -> {to}"
                );
                assert_eq!(app.procurement(id).await["status"], to, "{from} -> {to}");
            } else {
                assert_error(&result, StatusCode::CONFLICT, "illegal_transition");
                let error = result.1["error"].as_str().unwrap();
                assert_eq!(error, format!("a procurement cannot go from '{from}' to '{to}'"), "{from} -> {to}");
                assert_eq!(app.procurement(id).await["status"], from, "a refused {from} -> {to} changed the status");
            }
        }
    }
    assert_eq!(legal_seen, 8);
    // A refusal records nothing: one event per successful move only.
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM event_log WHERE entity_type = 'procurement'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // Setting up draft, active, stopped, payment, completed, cancelled takes 0, 1, 2, 3, 4 and 1
    // moves; 6 procurements per `from`, plus the 8 legal attempts.
    let setup_moves = 6 * 11;
    assert_eq!(events, setup_moves + 8);
    app.assert_ledger_consistent().await;
}

/// A participant (of a fresh procurement by a fresh organizer; its buyer holds 1000.00) brought
/// into `status`, with the procurement left in `payment`, where every participant move is allowed.
/// Returns (procurement, participant, buyer).
async fn participant_in(app: &TestApp, status: &str) -> (i64, i64, i64) {
    let (id, _) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    app.fund(buyer, "1000.00").await;
    let (code, joined) = app.join(id, buyer, "2").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["status"], "pending");
    let pid = joined["id"].as_i64().unwrap();
    match status {
        "pending" => {}
        "cancelled" => participant_to(app, pid, "cancelled").await,
        _ => participant_to(app, pid, "confirmed").await,
    }
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    if matches!(status, "paid" | "delivered") {
        participant_to(app, pid, "paid").await;
    }
    if status == "delivered" {
        participant_to(app, pid, "delivered").await;
    }
    assert_eq!(participant(app, pid).await["status"], status);
    (id, pid, buyer)
}

#[tokio::test]
async fn every_participant_transition_pair() {
    let app = TestApp::spawn().await;
    let mut legal_seen = 0;
    for from in PARTICIPANT_STATES {
        for to in PARTICIPANT_STATES {
            let (_, pid, _) = participant_in(&app, from).await;
            let result = try_participant_status(&app, pid, to).await;
            if PARTICIPANT_LEGAL.contains(&(from, to)) {
                legal_seen += 1;
                assert_eq!(result.0, StatusCode::OK, "{from} -> {to}: {}", result.1);
                assert_eq!(result.1["id"], pid);
                assert_eq!(result.1["status"], to, "{from} -> {to}");
                assert_eq!(result.1["status_display"], participant_display(to), "{from} -> {to}");
                assert_eq!(result.1["is_active"], to != "cancelled", "{from} -> {to}");
                assert_eq!(participant(&app, pid).await["status"], to, "{from} -> {to}");
            } else {
                assert_error(&result, StatusCode::CONFLICT, "illegal_transition");
                let error = result.1["error"].as_str().unwrap();
                assert_eq!(error, format!("a participant cannot go from '{from}' to '{to}'"), "{from} -> {to}");
                assert_eq!(participant(&app, pid).await["status"], from, "a refused {from} -> {to} changed the status");
            }
        }
    }
    assert_eq!(legal_seen, 6);
    app.assert_ledger_consistent().await;
}

/// A legal participant move in the wrong phase of the procurement is refused with
/// `procurement_state` and changes nothing.
#[tokio::test]
async fn participant_moves_need_the_right_procurement_phase() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    app.fund(buyer, "1000.00").await;
    let (code, joined) = app.join(id, buyer, "1").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let pid = joined["id"].as_i64().unwrap();
    participant_to(&app, pid, "confirmed").await;

    // Paying needs `payment`: refused while active and while stopped, and no money moves.
    assert_error(&try_participant_status(&app, pid, "paid").await, StatusCode::CONFLICT, "procurement_state");
    app.set_status(id, "stopped").await;
    assert_error(&try_participant_status(&app, pid, "paid").await, StatusCode::CONFLICT, "procurement_state");
    assert_eq!(participant(&app, pid).await["status"], "confirmed");
    assert_eq!(balance(&app, buyer).await, dec("1000.00"));
    assert!(payment_status(&app, pid).await.is_empty());

    // Delivering needs `payment` or `completed`.
    app.set_status(id, "payment").await;
    participant_to(&app, pid, "paid").await;
    app.set_status(id, "completed").await;
    // After completion the money went to the organizer: nothing to refund, so no cancelling.
    assert_error(&try_participant_status(&app, pid, "cancelled").await, StatusCode::CONFLICT, "procurement_state");
    assert_eq!(participant(&app, pid).await["status"], "paid");
    participant_to(&app, pid, "delivered").await;

    // Confirming in a stopped procurement works; cancelling the procurement cancels every order.
    let (other, _) = app.active(json!({})).await;
    let (code, joined) = app.join(other, buyer, "1").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let second = joined["id"].as_i64().unwrap();
    let (code, joined) = app.join(other, app.register("buyer").await, "1").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let third = joined["id"].as_i64().unwrap();
    app.set_status(other, "stopped").await;
    participant_to(&app, second, "confirmed").await;
    app.set_status(other, "cancelled").await;
    // Cancelling the procurement cancelled both orders.
    assert_eq!(participant(&app, second).await["status"], "cancelled");
    assert_eq!(participant(&app, third).await["status"], "cancelled");
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn pay_then_complete_moves_money_to_the_organizer_less_commission() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({ "commission_percent": "2.50" })).await;
    app.set_status(id, "active").await;
    assert_eq!(app.procurement(id).await["commission_percent"], "2.50");

    let first = app.register("buyer").await;
    let second = app.register("buyer").await;
    let unpaid = app.register("buyer").await;
    app.fund(first, "1000.00").await;
    app.fund(second, "500.00").await;
    let mut pids = Vec::new();
    for (buyer, quantity) in [(first, "3"), (second, "2"), (unpaid, "1")] {
        let (code, joined) = app.join(id, buyer, quantity).await;
        assert_eq!(code, StatusCode::CREATED, "{joined}");
        let pid = joined["id"].as_i64().unwrap();
        participant_to(&app, pid, "confirmed").await;
        pids.push(pid);
    }
    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("600.00"), Some(3)));
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);

    // Paying: the share leaves the balance for the escrow.
    participant_to(&app, pids[0], "paid").await;
    assert_eq!(balance(&app, first).await, dec("700.00"));
    assert_eq!(escrow(&app, id).await, dec("300.00"));
    let joins = transactions(&app, first, "procurement_join").await;
    assert_eq!(joins.len(), 1, "{joins:?}");
    assert_eq!(joins[0]["transaction_type"], "procurement_join");
    assert_eq!(joins[0]["amount"], "-300.00");
    assert_eq!(joins[0]["balance_after"], "700.00");
    assert_eq!(joins[0]["procurement"], id);
    assert_eq!(payment_status(&app, pids[0]).await, ["waiting_for_capture"]);
    app.assert_ledger_consistent().await;

    participant_to(&app, pids[1], "paid").await;
    assert_eq!(balance(&app, second).await, dec("300.00"));
    assert_eq!(escrow(&app, id).await, dec("500.00"));
    app.assert_ledger_consistent().await;

    // Paying with an empty balance is refused and moves nothing.
    let refused = try_participant_status(&app, pids[2], "paid").await;
    assert_error(&refused, StatusCode::CONFLICT, "insufficient_funds");
    assert_eq!(participant(&app, pids[2]).await["status"], "confirmed");
    assert_eq!(balance(&app, unpaid).await, Decimal::ZERO);
    assert!(payment_status(&app, pids[2]).await.is_empty());
    assert!(transactions(&app, unpaid, "procurement_join").await.is_empty());
    app.assert_ledger_consistent().await;

    // Completing: 300 - 7.50 and 200 - 5.00 to the organizer, 12.50 to the platform.
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    app.drain().await; // the capture and refund jobs
    assert_eq!(balance(&app, organizer).await, dec("487.50"));
    assert_eq!(commission(&app).await, dec("12.50"));
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);
    let payouts = transactions(&app, organizer, "transfer").await;
    let mut amounts: Vec<&str> = payouts.iter().map(|t| t["amount"].as_str().unwrap()).collect();
    amounts.sort();
    assert_eq!(amounts, ["195.00", "292.50"]);
    assert_eq!(payment_status(&app, pids[0]).await, ["succeeded"]);
    assert_eq!(payment_status(&app, pids[1]).await, ["succeeded"]);
    // Buyers' balances are untouched by the capture; the unpaid order is cancelled.
    assert_eq!(balance(&app, first).await, dec("700.00"));
    assert_eq!(balance(&app, second).await, dec("300.00"));
    assert_eq!(participant(&app, pids[0]).await["status"], "paid");
    assert_eq!(participant(&app, pids[1]).await["status"], "paid");
    assert_eq!(participant(&app, pids[2]).await["status"], "cancelled");
    let p = app.procurement(id).await;
    assert_eq!(p["status"], "completed");
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("500.00"), Some(2)));
    app.assert_ledger_consistent().await;

    // Delivery after completion moves no money.
    participant_to(&app, pids[0], "delivered").await;
    assert_eq!(balance(&app, organizer).await, dec("487.50"));
    assert_eq!(balance(&app, first).await, dec("700.00"));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn cancelling_after_payment_refunds_paid_buyers() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({ "commission_percent": "2.50" })).await;
    app.set_status(id, "active").await;
    let payer = app.register("buyer").await;
    let other = app.register("buyer").await;
    app.fund(payer, "1000.00").await;
    let (code, joined) = app.join(id, payer, "3").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let paid = joined["id"].as_i64().unwrap();
    let (code, joined) = app.join(id, other, "1").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let unpaid = joined["id"].as_i64().unwrap();
    participant_to(&app, paid, "confirmed").await;
    participant_to(&app, unpaid, "confirmed").await;
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    participant_to(&app, paid, "paid").await;
    assert_eq!(balance(&app, payer).await, dec("700.00"));
    assert_eq!(escrow(&app, id).await, dec("300.00"));

    let cancelled = try_procurement_status(&app, id, "cancelled").await;
    assert_eq!(cancelled.0, StatusCode::OK, "{}", cancelled.1);
    app.drain().await; // the capture and refund jobs
    assert_eq!(cancelled.1["status"], "cancelled");

    assert_eq!(balance(&app, payer).await, dec("1000.00"));
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);
    assert_eq!(balance(&app, organizer).await, Decimal::ZERO);
    assert_eq!(commission(&app).await, Decimal::ZERO);
    let refunds = transactions(&app, payer, "procurement_refund").await;
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["amount"], "300.00");
    assert_eq!(refunds[0]["balance_after"], "1000.00");
    assert_eq!(refunds[0]["procurement"], id);
    assert!(transactions(&app, other, "procurement_refund").await.is_empty());
    assert_eq!(payment_status(&app, paid).await, ["refunded"]);
    assert!(payment_status(&app, unpaid).await.is_empty());
    assert_eq!(participant(&app, paid).await["status"], "cancelled");
    assert_eq!(participant(&app, unpaid).await["status"], "cancelled");
    let p = app.procurement(id).await;
    assert_eq!(p["status"], "cancelled");
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("0.00"), Some(0)));
    assert_eq!(p["participants"], json!([]));
    // The event log says which cancellation refunded money.
    let refunded: Vec<(i64, bool)> = sqlx::query_as(
        "SELECT entity_id, (data->>'refunded')::boolean FROM event_log
         WHERE entity_type = 'participant' AND to_state = 'cancelled' ORDER BY entity_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(refunded, [(paid, true), (unpaid, false)]);
    app.assert_ledger_consistent().await;

    // Cancelling twice is an illegal transition and refunds nothing more.
    let again = try_procurement_status(&app, id, "cancelled").await;
    assert_error(&again, StatusCode::CONFLICT, "illegal_transition");
    assert_eq!(balance(&app, payer).await, dec("1000.00"));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn organizer_removing_a_paid_participant_refunds_them() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    app.fund(buyer, "250.00").await;
    let (code, joined) = app.join(id, buyer, "2").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let pid = joined["id"].as_i64().unwrap();
    participant_to(&app, pid, "confirmed").await;
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    participant_to(&app, pid, "paid").await;
    assert_eq!(balance(&app, buyer).await, dec("50.00"));

    // The buyer cannot cancel after collection ended; the organizer can.
    let by_buyer = send(
        app.as_user(buyer, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "cancelled" })),
    )
    .await;
    assert_error(&by_buyer, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(balance(&app, buyer).await, dec("50.00"));
    let (code, body) = send(
        app.as_user(organizer, Method::POST, &format!("/api/procurements/participants/{pid}/update_status/"))
            .json(&json!({ "status": "cancelled" })),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled");
    app.drain().await; // the refund job
    assert_eq!(balance(&app, buyer).await, dec("250.00"));
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);
    assert_eq!(payment_status(&app, pid).await, ["refunded"]);
    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("0.00"), Some(0)));
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn publishing_a_draft_whose_deadline_passed_is_refused() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({})).await;
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 hour' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let refused = try_procurement_status(&app, id, "active").await;
    assert_error(&refused, StatusCode::BAD_REQUEST, "validation_error");
    assert!(refused.1["error"].as_str().unwrap().contains("deadline"), "{}", refused.1);
    assert_eq!(app.procurement(id).await["status"], "draft");
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM event_log WHERE entity_type = 'procurement' AND entity_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(events, 0);

    // Cancelling it is still possible; moving the deadline ahead makes publishing work.
    let id2 = app.draft(organizer, json!({})).await;
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 minute' WHERE id = $1")
        .bind(id2)
        .execute(&app.pool)
        .await
        .unwrap();
    let (code, body) = send(
        app.service(Method::PATCH, &format!("/api/procurements/{id2}/"))
            .json(&json!({ "deadline": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339() })),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let published = try_procurement_status(&app, id2, "active").await;
    assert_eq!(published.0, StatusCode::OK, "{}", published.1);
    let cancelled = try_procurement_status(&app, id, "cancelled").await;
    assert_eq!(cancelled.0, StatusCode::OK, "{}", cancelled.1);
    app.drain().await; // the capture and refund jobs
}

#[tokio::test]
async fn joining_after_the_deadline_is_refused() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 second' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let buyer = app.register("buyer").await;
    assert_error(&app.join(id, buyer, "1").await, StatusCode::CONFLICT, "deadline_passed");
    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("0.00"), Some(0)));
}

#[tokio::test]
async fn the_deadline_rule_touches_only_active_procurements() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for status in PROCUREMENT_STATES {
        ids.push((procurement_in(&app, status).await, status));
    }
    // An active one that collected its target (the supplier's minimum): it stops.
    let (funded, _) = app.active(json!({ "target_amount": "100.00" })).await;
    let buyer = app.register("buyer").await;
    assert_eq!(app.join(funded, buyer, "1").await.0, StatusCode::CREATED);
    // An active one whose deadline is still ahead stays active.
    let future = procurement_in(&app, "active").await;
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 hour' WHERE id <> $1")
        .bind(future)
        .execute(&app.pool)
        .await
        .unwrap();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM event_log").fetch_one(&app.pool).await.unwrap();

    assert_eq!(workflows::sweeps::sweep_deadlines(&app.pool, 100).await.unwrap(), 2);
    // The active one that collected nothing of its 10000.00 target did not happen.
    for (id, status) in &ids {
        let expected = if *status == "active" { "cancelled" } else { status };
        assert_eq!(app.procurement(*id).await["status"], expected, "a past-deadline '{status}' procurement");
    }
    assert_eq!(app.procurement(funded).await["status"], "stopped");
    assert_eq!(app.procurement(future).await["status"], "active");
    let new_events: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
        "SELECT entity_id, from_state, to_state, event FROM event_log
         WHERE entity_type = 'procurement' AND id > $1 ORDER BY entity_id",
    )
    .bind(before)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let active_id = ids.iter().find(|(_, s)| *s == "active").unwrap().0;
    assert_eq!(
        new_events,
        [
            (active_id, Some("active".into()), "cancelled".into(), "cancel".into()),
            (funded, Some("active".into()), "stopped".into(), "stop".into()),
        ]
    );

    // A second sweep (or a late deadline job) finds nothing left to do.
    assert_eq!(workflows::sweeps::sweep_deadlines(&app.pool, 100).await.unwrap(), 0);
    let late = workflows::procurement::reach_deadline(&app.pool, funded, chrono::Utc::now()).await.unwrap();
    assert_eq!(late, None);

    // The people concerned hear about it, once, however often the jobs run.
    app.drain().await;
    app.drain().await;
    let notices: Vec<(i64, String)> =
        sqlx::query_as("SELECT user_id, title FROM notifications WHERE procurement_id = ANY($1) ORDER BY id")
            .bind(vec![active_id, funded])
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(notices.iter().any(|(user, title)| *user == buyer && title.contains("завершён")), "{notices:?}");
    assert!(notices.iter().filter(|(_, title)| title.contains("отменена")).count() == 1, "{notices:?}");
}

#[tokio::test]
async fn cancelling_with_delivered_goods_is_refused_and_rolls_back_whole() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let mut orders = Vec::new();
    for _ in 0..3 {
        let buyer = app.register("buyer").await;
        app.fund(buyer, "100.00").await;
        let (code, joined) = app.join(id, buyer, "1").await;
        assert_eq!(code, StatusCode::CREATED, "{joined}");
        let pid = joined["id"].as_i64().unwrap();
        participant_to(&app, pid, "confirmed").await;
        orders.push((buyer, pid));
    }
    app.set_status(id, "stopped").await;
    app.set_status(id, "payment").await;
    for &(_, pid) in &orders {
        participant_to(&app, pid, "paid").await;
    }
    // The last order (after two paid ones that a cancel would refund first) got its goods.
    participant_to(&app, orders[2].1, "delivered").await;

    let refused = try_procurement_status(&app, id, "cancelled").await;
    assert_error(&refused, StatusCode::CONFLICT, "goods_delivered");
    assert!(refused.1["error"].as_str().unwrap().contains(&orders[2].1.to_string()), "{}", refused.1);
    // Nothing of the cancel stayed: no refund, no status change.
    assert_eq!(app.procurement(id).await["status"], "payment");
    assert_eq!(escrow(&app, id).await, dec("300.00"));
    for (i, &(buyer, pid)) in orders.iter().enumerate() {
        assert_eq!(balance(&app, buyer).await, Decimal::ZERO);
        assert_eq!(participant(&app, pid).await["status"], if i == 2 { "delivered" } else { "paid" });
        assert_eq!(payment_status(&app, pid).await, ["waiting_for_capture"]);
        assert!(transactions(&app, buyer, "procurement_refund").await.is_empty());
    }
    app.assert_ledger_consistent().await;

    // Completing captures the delivered share too.
    let completed = try_procurement_status(&app, id, "completed").await;
    assert_eq!(completed.0, StatusCode::OK, "{}", completed.1);
    app.drain().await; // the capture and refund jobs
    assert_eq!(balance(&app, organizer).await, dec("300.00"));
    assert_eq!(escrow(&app, id).await, Decimal::ZERO);
    for &(_, pid) in &orders {
        assert_eq!(payment_status(&app, pid).await, ["succeeded"]);
    }
    app.assert_ledger_consistent().await;
}
