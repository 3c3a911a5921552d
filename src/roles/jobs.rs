//! `groupbuy jobs stats|dead|retry`.

use crate::cli::JobsCommand;
use crate::config::Settings;
use workers::{Queue, admin};

pub async fn run(settings: &Settings, command: JobsCommand) -> anyhow::Result<()> {
    let mut conn = workers::storage::connect(&settings.redis_url).await?;
    let ns = settings.queue_namespace.as_str();
    match command {
        JobsCommand::Stats => {
            println!(
                "{:<14} {:>8} {:>10} {:>8} {:>10} {:>6} {:>8}",
                "queue", "waiting", "scheduled", "running", "done", "dead", "workers"
            );
            for s in admin::stats(&mut conn, ns).await? {
                println!(
                    "{:<14} {:>8} {:>10} {:>8} {:>10} {:>6} {:>8}",
                    s.queue, s.waiting, s.scheduled, s.running, s.done, s.dead, s.workers
                );
            }
        }
        JobsCommand::Dead { queue } => {
            for job in admin::dead(&mut conn, ns, Queue::parse(&queue)?).await? {
                println!("{}", serde_json::to_string(&job)?);
            }
        }
        JobsCommand::Retry { queue, task_id } => {
            admin::retry(&mut conn, ns, Queue::parse(&queue)?, &task_id).await?;
            println!("{task_id} is back on {queue}");
        }
    }
    Ok(())
}
