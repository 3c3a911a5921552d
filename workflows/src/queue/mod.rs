//! The job contract: what travels on the Redis queues, which queue each job takes, its task id,
//! and how a failure is classified for retry. A leaf: it names no use case, so use cases can
//! queue jobs and the runner (`crate::jobs`) can call use cases without a cycle.

mod cron;
mod job;
mod names;
mod retry;

pub use cron::CronSchedule;
pub use job::{CancelledOrder, FanoutKind, Job, StopReason, TransitionData};
pub use names::{Queue, UnknownQueue};
pub use retry::{JobError, retries_before, retry_task_id};
