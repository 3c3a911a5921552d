//! `GET /lp?act=a_check&key=…&ts=…&wait=…`: the Bots Long Poll server. A request with events
//! past `ts` gets them at once; otherwise it waits up to `wait` seconds for one.

use std::collections::HashMap;
use std::time::Duration;

use poem::handler;
use poem::web::{Data, Json, Query};
use serde_json::{Value, json};

use super::FakeVk;

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
        match world.pending_failure.take() {
            Some(1) => return Json(json!({ "failed": 1, "ts": world.events.len().to_string() })),
            Some(code) => return Json(json!({ "failed": code })),
            None => {}
        }
        if params.get("key") != Some(&world.key) {
            return Json(json!({ "failed": 2 }));
        }
        if ts > world.events.len() {
            return Json(json!({ "failed": 1, "ts": world.events.len().to_string() }));
        }
    }
    let mut seen = fake.events.subscribe();
    let _ = tokio::time::timeout(Duration::from_secs(wait), seen.wait_for(|count| *count > ts)).await;
    let world = fake.world();
    let updates = world.events.get(ts..).unwrap_or_default().to_vec();
    Json(json!({ "ts": world.events.len().to_string(), "updates": updates }))
}
