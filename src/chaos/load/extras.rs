//! The rest of the load: notifications sent to buyers through the API (as an integration
//! does), and deposits, each paid in at the bank once the platform has answered with its
//! order code.

use super::World;
use crate::chaos::client::{Answer, Who};
use crate::chaos::record::{Deposit, Outcome, Written};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use workflows::Money;

/// A notification to the next buyer every 700 ms, each with a title of its own.
pub async fn notify(world: Arc<World>) {
    let mut n = 0;
    while !world.stopping() {
        let buyer = n % world.people.buyers.len();
        let title = format!("Хаос {}: уведомление {n}", world.round);
        let body = json!({
            "user_id": world.people.buyers[buyer].id, "notification_type": "system",
            "title": title, "message": "Проверка доставки под отказами",
        });
        let answer = world.api.write(Method::POST, "/api/chat/notifications/send/", Who::Service, &body).await;
        let written = Written { text: title, outcome: Outcome::from(&answer) };
        world.record.lock().unwrap_or_else(|e| e.into_inner()).notices.push((buyer, written));
        n += 1;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// What each top-up brings.
const TOP_UP: Money = Money::rubles(100);

/// A buyer tops up every 2 s: the platform answers with the deposit's order code, and the money
/// arrives at the bank with it (whatever state the platform is in by then: the bank does not wait).
pub async fn deposit(world: Arc<World>) {
    let mut n = 0;
    while !world.stopping() {
        let buyer = (n * 5) % world.people.buyers.len();
        let person = &world.people.buyers[buyer];
        let body = json!({ "user_id": person.id, "amount": TOP_UP.to_string() });
        if let Answer::Accepted(created) =
            world.api.write(Method::POST, "/api/payments/", Who::User(&person.token), &body).await
        {
            match (created["id"].as_i64(), created["requisites"]["purpose"].as_str()) {
                (Some(id), Some(purpose)) => match world.bank.transfer_in(TOP_UP, purpose).await {
                    Ok(()) => {
                        let deposit = Deposit { id, buyer, amount: TOP_UP };
                        world.record.lock().unwrap_or_else(|e| e.into_inner()).deposits.push(deposit);
                    }
                    Err(e) => world.problem(format!("the bank refused a buyer's transfer: {e}")),
                },
                _ => world.problem(format!("a deposit answered without its id and order code: {created}")),
            }
        }
        n += 1;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
