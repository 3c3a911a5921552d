use crate::cli::WorkerArgs;
use crate::config::Settings;
use workers::Queue;

/// Validates the requested queues now, so scripts written today keep working when the pools
/// arrive; the pools themselves come with the durable-workflows work.
pub async fn run(_settings: &Settings, args: &WorkerArgs) -> anyhow::Result<()> {
    let queues = Queue::parse_list(&args.queues)?;
    let names: Vec<&str> = queues.iter().map(|q| q.name()).collect();
    anyhow::bail!(
        "the worker role is not available yet (asked for queues {} with concurrency {}); \
         `groupbuy all` runs the deadline sweep in the meantime",
        names.join(","),
        args.concurrency
    )
}
