//! The operator's fault run: buyers paying into three procurements through the bank, one
//! completed, one cancelled, one completed; while the captures and refunds run, the worker gets
//! SIGKILL, Redis is restarted from its append-only file, and a fresh worker finishes. Every
//! account at the sandbox bank ends as the plan says and the full `groupbuy doctor` is clean.

use crate::bank_at_most_once::{books, virtual_account};
use crate::crash::{kill_9, worker_for};
use crate::payments::{deposit, doctor_is_clean, give_inn, inn, set_order_status, transfer};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use workflows::Money;
use workflows::payments::reconcile::reconcile;

const BUYERS: usize = 12;
pub(crate) const QUEUES: &str = "lifecycle,payments,refunds,notifications";

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

/// When the worker dies.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// While it waits to record an outcome the bank has already carried out.
    AfterTheBankActed,
    /// At an arbitrary moment of the settlement.
    Blind,
}

async fn fault_run(kill: Kill) {
    let mut redis = OwnRedis::start().await;
    let app = TestApp::spawn().await;
    let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());

    // Three procurements by three organizers (3 % commission), each organizer known to the bank.
    let mut procurements = Vec::new();
    for n in 0..3 {
        let (id, organizer) = app.active(json!({ "commission_percent": "3.00" })).await;
        give_inn(&app, organizer, &inn(7_800_000_010 + n)).await;
        procurements.push((id, organizer));
    }
    // Buyers deposit 1000.00 each through the bank and order 1–3 units (100.00 each) in all three.
    let mut buyers = Vec::new();
    for _ in 0..BUYERS {
        let (buyer, created) = deposit(&app, "1000.00").await;
        transfer(&app, "1000.00", created["requisites"]["purpose"].as_str().unwrap()).await;
        buyers.push(buyer);
    }
    assert_eq!(reconcile(&app.pool, app.bank.as_ref()).await.unwrap().identified, BUYERS);
    let mut orders: Vec<(usize, i64, i64, Money)> = Vec::new(); // (procurement index, buyer, participant, amount)
    for (i, (procurement, _)) in procurements.iter().enumerate() {
        for (b, buyer) in buyers.iter().enumerate() {
            let quantity = 1 + (b + i) % 3;
            let (code, joined) = app.join(*procurement, *buyer, &quantity.to_string()).await;
            assert_eq!(code, StatusCode::CREATED, "{joined}");
            orders.push((i, *buyer, joined["id"].as_i64().unwrap(), money(joined["amount"].as_str().unwrap())));
        }
    }
    for (procurement, _) in &procurements {
        app.set_status(*procurement, "stopped").await;
        app.set_status(*procurement, "payment").await;
    }
    for (_, _, participant, _) in &orders {
        set_order_status(&app, *participant, &["confirmed", "paid"]).await;
    }

    // One completed, one cancelled, one completed; the worker takes them up.
    let failpoints = match kill {
        Kill::AfterTheBankActed => "bank.transfer.answered=60000",
        Kill::Blind => "bank.transfer.answered=150",
    };
    let mut first = worker_for(&app, QUEUES, &redis.url(), &ns, failpoints);
    app.set_status(procurements[0].0, "completed").await;
    app.set_status(procurements[1].0, "cancelled").await;
    app.set_status(procurements[2].0, "completed").await;
    let transfers_made = || async {
        let books = books(&app).await;
        books["journal"].as_array().unwrap().iter().filter(|e| e[1]["transfer_id"].is_string()).count() / 2
    };
    let at_least = match kill {
        Kill::AfterTheBankActed => 1,
        Kill::Blind => BUYERS / 2,
    };
    eventually("captures under way", Duration::from_secs(120), || async { transfers_made().await >= at_least }).await;
    kill_9(&mut first);
    redis.restart().await;

    let mut fresh = worker_for(&app, QUEUES, &redis.url(), &ns, "");
    let expected_ops = 2 * BUYERS * 2; // net and commission, per order of the two completed
    eventually("every capture and refund to settle", Duration::from_secs(180), || async {
        let (done, refunded): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM bank_operations WHERE status = 'done'),
                    (SELECT count(*) FROM payments WHERE payment_type = 'procurement_payment' AND status = 'refunded')",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        done as usize == expected_ops && refunded as usize == BUYERS
    })
    .await;
    kill_9(&mut fresh);

    // Every account at the bank as the plan says.
    let mut plan: HashMap<String, Money> = HashMap::new();
    let mut add = |va: String, amount: Money| {
        let entry = plan.entry(va).or_insert(Money::ZERO);
        *entry = entry.checked_add(amount).unwrap();
    };
    for buyer in &buyers {
        add(virtual_account(&app, *buyer).await, money("1000.00"));
    }
    let platform = workflows::payments::platform_account(&app.pool, app.bank.as_ref()).await.unwrap();
    for (i, buyer, _, amount) in &orders {
        if *i == 1 {
            continue; // cancelled: the money never left the buyer's account
        }
        let fee = amount.percent(300);
        let net = amount.checked_sub(fee).unwrap();
        add(virtual_account(&app, *buyer).await, Money::ZERO.checked_sub(*amount).unwrap());
        add(virtual_account(&app, procurements[*i].1).await, net);
        add(platform.clone(), fee);
    }
    for (va, want) in &plan {
        let held = app.bank.get_virtual_account(va).await.unwrap();
        assert_eq!(held.cash, *want, "{kill:?}: virtual account {va}");
    }
    doctor_is_clean(&app).await;
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn the_fault_run_killed_after_the_bank_acted_ends_with_every_account_as_planned() {
    fault_run(Kill::AfterTheBankActed).await;
}

#[tokio::test]
async fn the_fault_run_killed_blind_ends_with_every_account_as_planned() {
    fault_run(Kill::Blind).await;
}
