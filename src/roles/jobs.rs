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
                "{:<14} {:>8} {:>10} {:>8} {:>10} {:>6} {:>8} {:>8} {:>8} {:>10} {:>10}",
                "queue",
                "waiting",
                "scheduled",
                "running",
                "done",
                "dead",
                "workers",
                "retried",
                "jobs/s",
                "wait p99",
                "run p99"
            );
            let upto = |q: Option<f64>| {
                q.map_or("-".to_string(), |s| if s.is_finite() { format!("≤{s}s") } else { ">60s".into() })
            };
            for s in admin::stats(&mut conn, ns).await? {
                println!(
                    "{:<14} {:>8} {:>10} {:>8} {:>10} {:>6} {:>8} {:>8} {:>8.1} {:>10} {:>10}",
                    s.queue,
                    s.waiting,
                    s.scheduled,
                    s.running,
                    s.done,
                    s.dead,
                    s.workers,
                    s.retried,
                    s.throughput_1m,
                    upto(s.wait.quantile(0.99)),
                    upto(s.run.quantile(0.99)),
                );
            }
        }
        JobsCommand::Dead { queue } => {
            for job in admin::dead(&mut conn, ns, Queue::parse(&queue)?).await? {
                println!("{}", serde_json::to_string(&job)?);
            }
        }
        JobsCommand::Retry { queue, task_id } => {
            let new_id = admin::retry(&mut conn, ns, Queue::parse(&queue)?, &task_id).await?;
            println!("{task_id} is back on {queue} as {new_id}");
        }
    }
    Ok(())
}
