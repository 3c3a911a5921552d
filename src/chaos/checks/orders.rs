//! The round's procurements, deposits and notifications, each held to what the load was told:
//! what was accepted is there once, what was refused is not there at all, what went unanswered
//! is there at most once; and every job a procurement's life queued has run (its notifications
//! are the jobs' last word).

use super::{Round, at_most_once, pages};
use crate::chaos::client::Who;
use crate::chaos::record::{Cycle, Ending, Outcome};
use serde_json::Value;
use std::collections::HashMap;

pub async fn deposits(round: &Round<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    for deposit in &round.record.deposits {
        match round.cluster.api.read(&format!("/api/payments/{}/status/", deposit.id), Who::Service).await {
            Ok(status) if status["status"] == "succeeded" => {}
            Ok(status) => problems.push(format!("deposit {} paid in at the bank is {}", deposit.id, status["status"])),
            Err(e) => problems.push(format!("deposit {}: {e}", deposit.id)),
        }
    }
    problems
}

pub async fn cycles(round: &Round<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    for cycle in &round.record.cycles {
        if let Some(why) = &cycle.abandoned {
            problems.push(format!("procurement {} was not driven to its end: {why}", cycle.procurement));
            continue;
        }
        if let Err(e) = one_cycle(round, cycle, &mut problems).await {
            problems.push(format!("procurement {}: {e}", cycle.procurement));
        }
    }
    problems
}

async fn one_cycle(round: &Round<'_>, cycle: &Cycle, problems: &mut Vec<String>) -> anyhow::Result<()> {
    let api = &round.cluster.api;
    let id = cycle.procurement;
    let ending = cycle.ending.expect("a cycle not abandoned has ended");
    let (status, order_status) = match ending {
        Ending::Completed => ("completed", "paid"),
        Ending::Cancelled => ("cancelled", "cancelled"),
    };
    let procurement = api.read(&format!("/api/procurements/{id}/"), Who::Service).await?;
    if procurement["status"] != status {
        problems.push(format!("procurement {id} is {}, the organizer was told {status}", procurement["status"]));
    }
    for order in &cycle.orders {
        let part = api.read(&format!("/api/procurements/participants/{}/", order.participant), Who::Service).await?;
        if part["status"] != order_status {
            problems.push(format!(
                "order {} of procurement {id} is {}, not {order_status}",
                order.participant, part["status"]
            ));
        }
        // The order was written by one of the buyer's tries, and not by one that was refused.
        let notes = part["notes"].as_str().unwrap_or_default();
        match cycle.joins.iter().find(|(buyer, tried)| *buyer == order.buyer && tried.text == notes) {
            Some((_, tried)) if tried.outcome == Outcome::Refused => {
                problems.push(format!("order {}: written by a join that was refused ({notes})", order.participant))
            }
            Some(_) => {}
            None => problems.push(format!("order {}: its notes match no try ({notes})", order.participant)),
        }
    }
    let stored = pages(api, &format!("/api/chat/messages/?procurement_id={id}"), None).await?;
    let organizer = round.people.organizers[cycle.organizer].id;
    let texts: Vec<&str> =
        stored.iter().filter(|m| m["user"] == organizer).filter_map(|m| m["text"].as_str()).collect();
    problems.extend(at_most_once(&format!("procurement {id}'s chat"), &cycle.messages, &texts));

    // What the transition jobs and the fan-outs tell people, once each: (updates, completions)
    // as ranges. The stop's notice goes to the people still in the procurement when its job
    // runs, so a buyer whose order a quick cancellation took first may not get it.
    let (organizer_wants, buyer_wants) = match ending {
        // stopped, payment requests sent; captures completed — stopped; completed
        Ending::Completed => (((2, 2), (1, 1)), ((1, 1), (1, 1))),
        // stopped, payment requests sent, cancelled — (stopped), cancelled
        Ending::Cancelled => (((3, 3), (0, 0)), ((1, 2), (0, 0))),
    };
    let mut people = vec![(organizer, organizer_wants)];
    people.extend(cycle.orders.iter().map(|o| (round.people.buyers[o.buyer].id, buyer_wants)));
    for (person, (updates, completions)) in people {
        let theirs = round.notifications_of(person).await?;
        let count =
            |kind: &str| theirs.iter().filter(|n| n["procurement"] == id && n["notification_type"] == kind).count();
        let got = (count("procurement_update"), count("procurement_completed"));
        let within = |n: usize, (least, most): (usize, usize)| (least..=most).contains(&n);
        if !within(got.0, updates) || !within(got.1, completions) {
            problems.push(format!(
                "procurement {id}: user {person} has {} updates and {} completions, wants {updates:?} and {completions:?}",
                got.0, got.1
            ));
        }
    }
    Ok(())
}

/// The notifications sent through the API, each held to its answer.
pub async fn notices(round: &Round<'_>) -> Vec<String> {
    let mut by_buyer: HashMap<usize, Vec<_>> = HashMap::new();
    for (buyer, written) in &round.record.notices {
        by_buyer.entry(*buyer).or_default().push(written.clone());
    }
    let mut problems = Vec::new();
    for (buyer, sent) in by_buyer {
        let person = round.people.buyers[buyer].id;
        match round.notifications_of(person).await {
            Ok(theirs) => {
                let titles: Vec<&str> = theirs.iter().filter_map(|n| n["title"].as_str()).collect();
                problems.extend(at_most_once(&format!("user {person}'s notifications"), &sent, &titles));
            }
            Err(e) => problems.push(format!("user {person}'s notifications: {e}")),
        }
    }
    problems
}

/// A person's notifications of this round (newest first, read until the round's start).
pub async fn notifications_since(
    api: &crate::chaos::client::Api,
    person: i64,
    since: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<Value>> {
    let newer = |n: &Value| {
        n["created_at"]
            .as_str()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .is_some_and(|at| at >= since)
    };
    pages(api, &format!("/api/chat/notifications/?user_id={person}"), Some(&newer)).await
}
