//! Fault injection for tests that run real processes: `GROUPBUY_FAILPOINTS=name=action,…`, read
//! by the binary at start-up and handed to [`configure`]. A number of milliseconds makes
//! [`pause`] at that point sleep (a window to `kill -9` the process); `fail` makes [`fails`] true
//! there. Unconfigured (always, outside such tests), a failpoint costs one atomic load.

use std::sync::OnceLock;
use std::time::Duration;

static SPEC: OnceLock<String> = OnceLock::new();

/// Sets this process's failpoints, once (later calls are ignored).
pub fn configure(spec: Option<String>) {
    if let Some(spec) = spec.filter(|s| !s.trim().is_empty()) {
        let _ = SPEC.set(spec);
    }
}

fn action(name: &str) -> Option<String> {
    SPEC.get()?
        .split(',')
        .filter_map(|entry| entry.split_once('='))
        .find(|(point, _)| point.trim() == name)
        .map(|(_, action)| action.trim().to_string())
}

/// Whether the failpoint `name()` is set to `fail` (the name is only built when failpoints are).
pub fn fails(name: impl FnOnce() -> String) -> bool {
    SPEC.get().is_some() && action(&name()).is_some_and(|action| action == "fail")
}

pub async fn pause(name: &str) {
    let millis = action(name).and_then(|ms| ms.parse::<u64>().ok());
    if let Some(ms) = millis {
        tracing::warn!(failpoint = name, ms, "failpoint: pausing");
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}
