//! PostgreSQL stopped (`-m fast`, as an orderly restart does) and started again after a while.
//! Meanwhile every API process must say so: `/ready` 503, and a write answered 503
//! `database_unavailable` in JSON (never a 500, never a hang); afterwards it must serve again
//! by itself, without being restarted.

use super::Injected;
use crate::chaos::client::{Answer, Who};
use crate::chaos::cluster::Cluster;
use crate::chaos::roles::Role;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

pub async fn inject(cluster: &Cluster, outage: Duration, person: i64) -> anyhow::Result<Injected> {
    let stopped_at = Instant::now();
    cluster.postgres.stop().await?;
    let mut problems = Vec::new();
    let (mut unavailable, mut probes, mut slowest) = (0, 0, Duration::ZERO);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
    while stopped_at.elapsed() < outage {
        // Both processes' readiness and a write, at once: each waits for a connection first.
        let ready = cluster.api.bases().iter().map(|base| {
            let http = http.clone();
            async move { (base, http.get(format!("{base}/ready")).send().await.map(|r| r.status())) }
        });
        probes += 1;
        let asked = Instant::now();
        let (ready, wrote) = tokio::join!(futures_util::future::join_all(ready), probe(cluster, person, probes));
        slowest = slowest.max(asked.elapsed());
        for (base, answer) in ready {
            match answer {
                Ok(status) if status == 503 => {}
                Ok(status) => problems.push(format!("{base}/ready answered {status} with the database down")),
                Err(e) => problems.push(format!("{base}/ready did not answer with the database down: {e}")),
            }
        }
        match wrote {
            Answer::Refused { status: 503, code } if code == "database_unavailable" => unavailable += 1,
            other => problems.push(format!("a write with the database down was answered {other:?}")),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    cluster.postgres.start_server().await?;
    let healed_at = Instant::now();
    // Back by itself: the same processes answer a write again.
    let mut after = probes;
    let answered_again_in = loop {
        after += 1;
        if let Answer::Accepted(_) = probe(cluster, person, after).await {
            break healed_at.elapsed();
        }
        if healed_at.elapsed() > Duration::from_secs(120) {
            anyhow::bail!("no write accepted two minutes after PostgreSQL came back");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for exit in cluster.roles.exits_since(stopped_at) {
        if matches!(exit.role, Role::Api(_)) {
            problems.push(format!("{} exited ({}) instead of riding the outage out", exit.role, exit.status));
        }
    }
    Ok(Injected {
        what: format!(
            "PostgreSQL stopped (fast) for {} s: {unavailable} of {probes} probe writes answered 503 database_unavailable \
             and `/ready` 503 on both API processes, each within {:.1} s",
            outage.as_secs(),
            slowest.as_secs_f64()
        ),
        answered_again_in: Some(answered_again_in),
        problems,
    })
}

/// A write that needs the database and nothing else: a notification to a person of the run.
async fn probe(cluster: &Cluster, person: i64, n: usize) -> Answer {
    let body =
        json!({ "user_id": person, "notification_type": "system", "title": format!("Проба {n}"), "message": "проба" });
    cluster.api.write(Method::POST, "/api/chat/notifications/send/", Who::Service, &body).await
}
