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
    let (mut unavailable, mut probes) = (0, 0);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
    while stopped_at.elapsed() < outage {
        for base in cluster.api.bases() {
            let ready = http.get(format!("{base}/ready")).send().await;
            match ready {
                Ok(r) if r.status() == 503 => {}
                Ok(r) => problems.push(format!("{base}/ready answered {} with the database down", r.status())),
                Err(e) => problems.push(format!("{base}/ready did not answer with the database down: {e}")),
            }
        }
        probes += 1;
        match probe(cluster, person, probes).await {
            Answer::Refused { status: 503, code } if code == "database_unavailable" => unavailable += 1,
            other => problems.push(format!("a write with the database down was answered {other:?}")),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
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
            "PostgreSQL stopped (fast) for {} s: {unavailable} of {} probe writes answered 503 database_unavailable",
            outage.as_secs(),
            probes
        ),
        healed_at,
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
