//! SIGKILL to an API process while chat sockets are open on it, kept down a while (its clients
//! must carry on through the other one, missing nothing), then started again by the supervisor.

use super::Injected;
use crate::chaos::cluster::Cluster;
use crate::chaos::roles::Role;
use std::time::Duration;

const VICTIM: Role = Role::Api(1);

pub async fn inject(cluster: &Cluster, outage: Duration) -> anyhow::Result<Injected> {
    cluster.roles.kill9(VICTIM, true).await;
    tokio::time::sleep(outage).await;
    cluster.roles.release(VICTIM).await;
    let ready = format!("{}/ready", cluster.api.bases()[0]);
    let http = reqwest::Client::new();
    crate::chaos::wait_for("the killed API process to serve again", Duration::from_secs(120), || async {
        http.get(&ready).send().await.is_ok_and(|r| r.status().is_success())
    })
    .await?;
    Ok(Injected {
        what: format!(
            "{VICTIM} killed (SIGKILL) with chat sockets open on it, down {} s, then started again",
            outage.as_secs()
        ),
        answered_again_in: None,
        problems: Vec::new(),
    })
}
