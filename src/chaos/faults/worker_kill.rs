//! SIGKILL to a worker in the middle of captures and refunds. The victim records each bank
//! transfer's outcome 400 ms after the bank carried it out (a failpoint), so the kill lands
//! where money has moved at the bank and our records do not say so yet, the window the
//! at-most-once protocol exists for. The supervisor starts it again without the failpoint.

use super::Injected;
use crate::chaos::cluster::Cluster;
use crate::chaos::roles::Role;
use std::time::{Duration, Instant};

const VICTIM: Role = Role::Worker(1);
const SLOW_RECORDING: &str = "bank.transfer.answered=400";

pub async fn prepare(cluster: &Cluster) -> anyhow::Result<()> {
    cluster.roles.set_env(VICTIM, "GROUPBUY_FAILPOINTS", Some(SLOW_RECORDING)).await;
    cluster.roles.replace(VICTIM).await
}

pub async fn inject(cluster: &Cluster, patience: Duration) -> anyhow::Result<Injected> {
    // Killed once captures are moving money: the bank has carried out transfers since now, and
    // payment jobs are running.
    let transfers_before = cluster.bank.books().await?.transfers;
    let started = Instant::now();
    let mut running = 0;
    while started.elapsed() < patience.max(Duration::from_secs(60)) {
        let payments = cluster.queues().await.ok().and_then(|q| q.into_iter().find(|q| q.queue == "payments"));
        running = payments.map_or(0, |p| p.running);
        if running > 0 && cluster.bank.books().await?.transfers > transfers_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let transfers = cluster.bank.books().await?.transfers;
    cluster.roles.set_env(VICTIM, "GROUPBUY_FAILPOINTS", None).await;
    cluster.roles.kill9(VICTIM, false).await;
    let problems = super::unless_it_hit(running > 0, "the worker kill found no payment job running");
    Ok(Injected {
        what: format!(
            "{VICTIM} killed (SIGKILL) with {running} payment job(s) running, {} bank transfer(s) made in the round so far",
            transfers - transfers_before
        ),
        answered_again_in: None,
        problems,
    })
}
