//! Redis killed (SIGKILL) and started again after a while: from its append-only file, or with
//! nothing when it is lost, as when its server or disk is replaced. What it held and nobody had
//! finished must come back from the outbox.

use super::Injected;
use crate::chaos::cluster::Cluster;
use std::time::{Duration, Instant};

pub async fn inject(cluster: &Cluster, outage: Duration, lost: bool) -> anyhow::Result<Injected> {
    let mut redis = cluster.redis.lock().await;
    // Killed while it holds work nobody has finished: jobs waiting or running.
    let (mut waiting, mut running) = (0, 0);
    let looking = Instant::now();
    while waiting + running == 0 && looking.elapsed() < Duration::from_secs(30) {
        if let Ok(queues) = cluster.queues().await {
            (waiting, running) = queues.iter().fold((0, 0), |(w, r), q| (w + q.waiting, r + q.running));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    redis.kill().await;
    tokio::time::sleep(outage).await;
    if lost {
        redis.forget_everything()?;
    }
    redis.restart().await?;
    let healed_at = Instant::now();
    drop(redis);
    let http = reqwest::Client::new();
    for base in cluster.api.bases() {
        let ready = format!("{base}/ready");
        crate::chaos::wait_for("the API to see Redis again", Duration::from_secs(60), || async {
            http.get(&ready).send().await.is_ok_and(|r| r.status().is_success())
        })
        .await?;
    }
    let how = if lost {
        "started again empty (its append-only file deleted)"
    } else {
        "started again from its append-only file"
    };
    let problems = super::unless_it_hit(waiting + running > 0, "Redis went down holding no unfinished job");
    Ok(Injected {
        what: format!(
            "Redis killed (SIGKILL) with {waiting} job(s) waiting and {running} running, down {} s, {how}",
            outage.as_secs()
        ),
        answered_again_in: Some(healed_at.elapsed()),
        problems,
    })
}
