//! Procurements driven through their whole life by their organizer and buyers, each with their
//! own token, one after another until the load stops: created and published, joined, orders
//! confirmed, stopped, payment phase, each buyer paying from the balance, then completed (every
//! paid share captured to the organizer at the bank) or cancelled (every paid share refunded).

use super::{Check, World, Write, order_of, until_done};
use crate::chaos::client::{Answer, Who};
use crate::chaos::record::{COMMISSION, Cycle, Ending, Order, Outcome, Written};
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use workflows::Money;

pub async fn run(world: Arc<World>, task: usize, size: usize) {
    let mut n = 0;
    while !world.stopping() {
        let mut cycle = Cycle::default();
        if let Err(why) = drive(&world, task, n, size, &mut cycle).await {
            world.problem(format!("procurement {} given up: {why}", cycle.procurement));
            cycle.abandoned = Some(why);
        }
        world.record.lock().unwrap_or_else(|e| e.into_inner()).cycles.push(cycle);
        n += 1;
    }
}

async fn drive(world: &World, task: usize, n: usize, size: usize, cycle: &mut Cycle) -> Result<(), String> {
    let people = &world.people;
    cycle.organizer = (task + n) % people.organizers.len();
    let organizer = &people.organizers[cycle.organizer];
    let org = Who::User(&organizer.token);
    let tag = format!("{}.{task}.{n}", world.round);

    // Created until accepted: a try that took effect unseen leaves a draft nobody uses.
    let body = json!({
        "title": format!("Хаос {tag}"), "description": "Закупка под нагрузкой и отказами", "organizer": organizer.id,
        "city": "Москва", "target_amount": "100.00", "price_per_unit": "100.00", "unit": "шт",
        "commission_percent": format!("{}.{:02}", COMMISSION / 100, COMMISSION % 100),
        "deadline": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
    });
    let api = &world.api;
    let create = Write { method: Method::POST, path: "/api/procurements/", who: org };
    let created = until_done(api, create, |_| body.clone(), Check::Nothing, |_, _| {}).await?;
    cycle.procurement = created.and_then(|b| b["id"].as_i64()).ok_or("a procurement without id")?;
    let procurement = cycle.procurement;
    status(world, org, procurement, "active").await?;

    // Buyers join at once, each until accepted; every try carries notes of its own, so the
    // order that exists tells which try made it.
    let buyers: Vec<usize> = (0..size).map(|k| (task * 7 + n * 3 + k) % people.buyers.len()).collect();
    let joins = join_all(buyers.iter().map(|&buyer| join(world, procurement, buyer, &tag, (buyer + n) % 3 + 1))).await;
    for (buyer, (tries, order)) in buyers.iter().zip(joins) {
        cycle.joins.extend(tries.into_iter().map(|written| (*buyer, written)));
        cycle.orders.push(order?);
    }
    say(world, org, procurement, &tag, "заказы собраны", cycle).await;
    for order in &cycle.orders {
        participant_status(world, org, order.participant, "confirmed").await?;
    }
    status(world, org, procurement, "stopped").await?;
    status(world, org, procurement, "payment").await?;
    say(world, org, procurement, &tag, "оплата открыта", cycle).await;
    let paid = join_all(cycle.orders.iter().map(|order| {
        let buyer = Who::User(&people.buyers[order.buyer].token);
        participant_status(world, buyer, order.participant, "paid")
    }))
    .await;
    paid.into_iter().collect::<Result<Vec<()>, String>>()?;
    let ending = if n.is_multiple_of(2) { Ending::Completed } else { Ending::Cancelled };
    status(world, org, procurement, if ending == Ending::Completed { "completed" } else { "cancelled" }).await?;
    cycle.ending = Some(ending);
    Ok(())
}

/// The procurement moved to `to` by its organizer.
async fn status(world: &World, org: Who<'_>, procurement: i64, to: &str) -> Result<(), String> {
    let path = format!("/api/procurements/{procurement}/update_status/");
    let write = Write { method: Method::POST, path: &path, who: org };
    let body = json!({ "status": to });
    until_done(&world.api, write, |_| body.clone(), Check::Procurement(procurement, to), |_, _| {}).await.map(drop)
}

/// An order moved to `to` by `who` (the organizer confirms, the buyer pays).
async fn participant_status(world: &World, who: Who<'_>, participant: i64, to: &str) -> Result<(), String> {
    let path = format!("/api/procurements/participants/{participant}/update_status/");
    let write = Write { method: Method::POST, path: &path, who };
    let body = json!({ "status": to });
    until_done(&world.api, write, |_| body.clone(), Check::Order(participant, to, who), |_, _| {}).await.map(drop)
}

/// One buyer's order: every try, and the order made.
async fn join(
    world: &World,
    procurement: i64,
    buyer: usize,
    tag: &str,
    quantity: usize,
) -> (Vec<Written>, Result<Order, String>) {
    let person = &world.people.buyers[buyer];
    let path = format!("/api/procurements/{procurement}/join/");
    let write = Write { method: Method::POST, path: &path, who: Who::User(&person.token) };
    let body = |n: u32| {
        let notes = format!("хаос {tag}: покупатель {buyer}, попытка {n}");
        json!({ "user_id": person.id, "quantity": quantity.to_string(), "notes": notes })
    };
    let mut tries = Vec::new();
    let remember = |sent: &Value, answer: &Answer| {
        let notes = sent["notes"].as_str().unwrap_or_default().to_string();
        tries.push(Written { text: notes, outcome: Outcome::from(answer) });
    };
    let joined = until_done(&world.api, write, body, Check::Joined(procurement, person.id), remember).await;
    let order = match joined {
        Ok(Some(body)) => order_from(&body, buyer),
        Ok(None) => match order_of(&world.api, procurement, person.id).await {
            Some(listed) => order_from(&listed, buyer),
            None => Err("the order vanished".into()),
        },
        Err(why) => Err(why),
    };
    (tries, order)
}

fn order_from(body: &Value, buyer: usize) -> Result<Order, String> {
    let participant = body["id"].as_i64().ok_or_else(|| format!("an order without id: {body}"))?;
    let amount = body["amount"].as_str().and_then(|a| a.parse::<Money>().ok());
    let amount = amount.ok_or_else(|| format!("an order without amount: {body}"))?;
    Ok(Order { buyer, participant, amount })
}

/// The organizer writes to the procurement's chat over REST: up to three tries, each its own
/// text, none required to get through (the checks hold each to what it was told).
async fn say(world: &World, org: Who<'_>, procurement: i64, tag: &str, what: &str, cycle: &mut Cycle) {
    for n in 0..3 {
        let text = format!("{what} ({tag}, попытка {n})");
        let body = json!({ "procurement_id": procurement, "text": text });
        let answer = world.api.write(Method::POST, "/api/chat/messages/", org, &body).await;
        let accepted = matches!(answer, Answer::Accepted(_));
        cycle.messages.push(Written { text, outcome: Outcome::from(&answer) });
        if accepted {
            return;
        }
    }
}
