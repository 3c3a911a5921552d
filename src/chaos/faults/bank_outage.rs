//! The bank misbehaving for a while on its real wire: the first two transfers carried out with
//! their answers lost (sent 20 s late, after the client gave up at 15), then every call hanging
//! past the client's patience, then every call failing with HTTP 500. Nothing may be lost or
//! moved twice: what could not be done is done later.

use super::Injected;
use crate::chaos::cluster::Cluster;
use serde_json::json;
use std::time::Duration;

const TRANSFER: &str = "transfer_between_virtual_accounts";
const LOST_ANSWERS: u64 = 2;

pub async fn inject(cluster: &Cluster, outage: Duration) -> anyhow::Result<Injected> {
    let bank = &cluster.bank;
    let half = outage / 2;
    let ms = half.as_millis() as u64;
    let lost_answers =
        json!({ "method": TRANSFER, "fault": "lost_response", "times": LOST_ANSWERS, "delay_ms": 20_000 });
    bank.fault(lost_answers).await?;
    bank.fault(json!({ "method": "*", "fault": "timeout", "delay_ms": 20_000, "for_ms": ms })).await?;
    tokio::time::sleep(half).await;
    bank.fault(json!({ "method": "*", "fault": "http_500", "for_ms": ms })).await?;
    tokio::time::sleep(half).await;
    let lost = LOST_ANSWERS - bank.fault_left(TRANSFER).await?;
    bank.clear_faults().await?;
    let problems = super::unless_it_hit(lost > 0, "no transfer was carried out with its answer lost");
    Ok(Injected {
        what: format!(
            "{lost} transfer(s) carried out with the answer lost; every bank call timing out for {} s, then failing with HTTP 500 for {} s",
            half.as_secs(),
            half.as_secs()
        ),
        answered_again_in: None,
        problems,
    })
}
