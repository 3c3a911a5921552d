//! Fault injection for tests that run real processes: `GROUPBUY_FAILPOINTS=name=action,…`.
//! A number of milliseconds makes [`pause`] at that point sleep (a window to `kill -9` the
//! process); `fail` makes [`fails`] true there. Unset (always, outside such tests), a failpoint
//! costs one environment lookup.

use std::time::Duration;

fn action(name: &str) -> Option<String> {
    let spec = std::env::var("GROUPBUY_FAILPOINTS").ok()?;
    spec.split(',')
        .filter_map(|entry| entry.split_once('='))
        .find(|(point, _)| point.trim() == name)
        .map(|(_, action)| action.trim().to_string())
}

/// Whether the failpoint `name()` is set to `fail` (the name is only built when failpoints are).
pub fn fails(name: impl FnOnce() -> String) -> bool {
    std::env::var_os("GROUPBUY_FAILPOINTS").is_some() && action(&name()).is_some_and(|action| action == "fail")
}

pub async fn pause(name: &str) {
    let millis = action(name).and_then(|ms| ms.parse::<u64>().ok());
    if let Some(ms) = millis {
        tracing::warn!(failpoint = name, ms, "failpoint: pausing");
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}
