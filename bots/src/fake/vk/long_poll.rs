//! `GET /lp?act=a_check&key=…&ts=…&wait=…`: the Bots Long Poll server. A request with events
//! past `ts` gets them at once; otherwise it waits up to `wait` seconds for one.

use std::collections::HashMap;
use std::time::Duration;

use poem::handler;
use poem::web::{Data, Json, Query};
use serde_json::{Value, json};

use super::FakeVk;
use super::world::World;

/// VK caps `wait` at 90 seconds.
const MAX_WAIT_SECS: u64 = 90;

#[handler]
pub async fn check(Query(params): Query<HashMap<String, String>>, fake: Data<&FakeVk>) -> Json<Value> {
    let ts: usize = match params.get("ts").and_then(|ts| ts.parse().ok()) {
        Some(ts) if params.get("act").is_some_and(|a| a == "a_check") => ts,
        _ => return Json(json!({ "failed": 1, "ts": fake.world().events.len().to_string() })),
    };
    let wait = params.get("wait").and_then(|w| w.parse().ok()).unwrap_or(25).min(MAX_WAIT_SECS);
    {
        let mut world = fake.world();
        world.checks += 1;
        if let Some(failure) = failure(&mut world, params.get("key")) {
            return Json(failure);
        }
        // A ts from the future: VK says the history moved on.
        if ts > world.events.len() {
            return Json(json!({ "failed": 1, "ts": world.events.len().to_string() }));
        }
    }
    let mut seen = fake.events.subscribe();
    let mut failures = fake.failures.subscribe();
    let waiting = async {
        tokio::select! {
            _ = seen.wait_for(|count| *count > ts) => {}
            _ = failures.changed() => {}
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(wait), waiting).await;
    let mut world = fake.world();
    // A failure injected while this request waited is its answer, as when VK's key expires.
    if let Some(failure) = failure(&mut world, params.get("key")) {
        return Json(failure);
    }
    let updates = world.events.get(ts..).unwrap_or_default().to_vec();
    Json(json!({ "ts": world.events.len().to_string(), "updates": updates }))
}

/// The `failed` answer this request gets, if any: an injected failure, then an expired key.
fn failure(world: &mut World, key: Option<&String>) -> Option<Value> {
    match world.pending_failure.take() {
        Some(1) => return Some(json!({ "failed": 1, "ts": world.events.len().to_string() })),
        Some(code) => return Some(json!({ "failed": code })),
        None => {}
    }
    (key != Some(&world.key)).then(|| json!({ "failed": 2 }))
}
