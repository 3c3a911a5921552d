//! Fault injection for tests that kill a process mid-job: `GROUPBUY_FAILPOINTS=name=millis,…`
//! makes [`pause`] at that point sleep, giving the test a window to `kill -9` the process.
//! Unset (always, outside such tests), a failpoint costs one environment lookup.

use std::time::Duration;

pub async fn pause(name: &str) {
    let Ok(spec) = std::env::var("GROUPBUY_FAILPOINTS") else {
        return;
    };
    let millis = spec
        .split(',')
        .filter_map(|entry| entry.split_once('='))
        .find(|(point, _)| point.trim() == name)
        .and_then(|(_, ms)| ms.trim().parse::<u64>().ok());
    if let Some(ms) = millis {
        tracing::warn!(failpoint = name, ms, "failpoint: pausing");
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}
