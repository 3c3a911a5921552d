//! Faults injected while the platform's jobs run: the same job delivered twice in a row or again
//! later, a worker that dies at an arbitrary await point inside a job or between two jobs before
//! the batch was acknowledged, and a real `groupbuy worker` process killed with SIGKILL in the
//! middle of moving money.
//!
//! The jobs run in this process as a worker would, on a database pool of their own: a worker that
//! dies has its job's future dropped where it stood and then, as a dead process's sessions end,
//! that pool closed (its open transactions roll back, its locks go). A new pool is the worker
//! that takes over.

use super::rng::Rng;
use crate::crash::{WorkerProcess, kill_9, worker_for};
use crate::fault_run::QUEUES;
use crate::support::{REDIS_URL, TestApp, dies_after};
use std::str::FromStr;
use std::time::Duration;
use workflows::jobs::{self, CronSchedule, Job, JobContext};
use workflows::outbox;

/// What was injected, for the report.
#[derive(Debug, Default)]
pub struct Injected {
    pub drains: u64,
    pub jobs_run: u64,
    /// A job run again right after it finished (a redelivery before the acknowledgement).
    pub repeated: u64,
    /// A job delivered again in a later drain (a late redelivery, say from a worker that lost
    /// its heartbeat while the job was running).
    pub redelivered: u64,
    /// A worker died at an await point inside a job; the batch is then delivered again.
    pub crashed_in_a_job: u64,
    /// A worker died between two jobs, before the batch was acknowledged; delivered again.
    pub crashed_between_jobs: u64,
    pub reconciliations: u64,
    pub crashed_reconciliations: u64,
    /// Worker processes killed with SIGKILL, and at which failpoint.
    pub worker_kills: Vec<&'static str>,
    /// Seconds from starting a worker to be killed to its successor having finished, in all.
    pub kill_seconds: u64,
}

/// Runs the jobs, as the in-process worker, and injects the faults from a random stream of its own.
pub struct Injector {
    rng: Rng,
    /// The worker's ports; its pool is its own, replaced when it dies.
    ctx: JobContext,
    database_url: String,
    /// How many workers have died so far.
    incarnation: u64,
    pub injected: Injected,
    /// Late redeliveries not yet made: the task id each comes back under, and its job.
    held: Vec<(String, Job)>,
}

async fn run(ctx: &JobContext, job: &Job) {
    if let Err(e) = jobs::run(ctx, job).await {
        panic!("job {job:?} failed: {e}");
    }
}

/// Jobs whose second delivery could move money a second time.
fn moves_money(job: &Job) -> bool {
    matches!(
        job,
        Job::CapturePayment { .. }
            | Job::RefundPayment { .. }
            | Job::BankOperation { .. }
            | Job::ProcurementTransition { .. }
            | Job::FanoutCompleted { .. }
    )
}

/// A worker incarnation's pool, its sessions named after it.
async fn worker_pool(database_url: &str, incarnation: u64) -> sqlx::PgPool {
    let options = sqlx::postgres::PgConnectOptions::from_str(database_url)
        .unwrap()
        .application_name(&format!("money-model-worker-{incarnation}"));
    sqlx::postgres::PgPoolOptions::new().max_connections(10).connect_with(options).await.unwrap()
}

impl Injector {
    pub async fn new(rng: Rng, app: &TestApp) -> Self {
        let mut ctx = app.jobs().await;
        ctx.pool = worker_pool(&app.database_url, 0).await;
        let database_url = app.database_url.clone();
        Self { rng, ctx, database_url, incarnation: 0, injected: Injected::default(), held: Vec::new() }
    }

    /// The worker died: its sessions end with it (their transactions roll back, their locks go),
    /// and another worker takes over.
    async fn die(&mut self) {
        let name = format!("money-model-worker-{}", self.incarnation);
        self.incarnation += 1;
        self.ctx.pool = worker_pool(&self.database_url, self.incarnation).await;
        // The server ends the dead worker's sessions, as it does a dead process's. (Not the pool's
        // own `close`: it waits for connections the dropped job still counts as checked out.)
        let ended =
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()";
        loop {
            let end = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                       WHERE application_name = $1 AND datname = current_database()";
            sqlx::query(end).bind(&name).execute(&self.ctx.pool).await.unwrap();
            let left: i64 = sqlx::query_scalar(ended).bind(&name).fetch_one(&self.ctx.pool).await.unwrap();
            if left == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Runs every due outbox job, as `workers::inline::drain` does, with faults: about one batch in
    /// seven dies partway (inside a job that moves money, or between two jobs) and is delivered
    /// again from its start, and jobs that touch money are sometimes delivered twice at once or
    /// again in a later drain.
    pub async fn drain(&mut self) {
        self.injected.drains += 1;
        // Late redeliveries arrive in some later drain, after other operations (four drains later
        // on average: time for, say, a buyer to open an account at the bank meanwhile).
        let (due, held): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.held).into_iter().partition(|_| self.rng.chance(25));
        self.held = held;
        for (task, job) in due {
            let mut conn = self.ctx.pool.acquire().await.unwrap();
            outbox::enqueue_retry(&mut conn, &job, &task, chrono::Utc::now()).await.unwrap();
        }
        while self.batch().await {}
    }

    /// One batch of due jobs; whether there was one.
    async fn batch(&mut self) -> bool {
        let ctx = self.ctx.clone();
        let mut tx = ctx.pool.begin().await.unwrap();
        let rows = outbox::claim(&mut tx, 100, Some(chrono::Utc::now())).await.unwrap();
        if rows.is_empty() {
            return false;
        }
        let (rng, injected) = (&mut self.rng, &mut self.injected);
        // The crash lands on a job that moves money when the batch has one.
        let jobs: Vec<Job> = rows.iter().map(|row| row.job().expect("readable outbox row")).collect();
        let money: Vec<usize> = (0..jobs.len()).filter(|i| moves_money(&jobs[*i])).collect();
        let crash_at = match (rng.chance(15), money.is_empty()) {
            (false, _) => None,
            (true, false) => Some(rng.pick(&money)),
            (true, true) => Some(rng.range(0, jobs.len() as i64 - 1) as usize),
        };
        for (i, (row, job)) in rows.iter().zip(jobs).enumerate() {
            if crash_at == Some(i) {
                if rng.chance(50) {
                    injected.crashed_between_jobs += 1;
                    drop(tx);
                    self.die().await;
                    return true;
                }
                let polls = rng.range(1, 40) as u32;
                match dies_after(jobs::run(&ctx, &job), polls).await {
                    None => {
                        injected.crashed_in_a_job += 1;
                        drop(tx);
                        self.die().await;
                        return true;
                    }
                    Some(result) => result.unwrap_or_else(|e| panic!("job {job:?} failed: {e}")),
                }
            } else {
                run(&ctx, &job).await;
            }
            injected.jobs_run += 1;
            if moves_money(&job) && rng.chance(5) {
                run(&ctx, &job).await;
                injected.repeated += 1;
            }
            // Captures and refunds come back late more often: what changed in between (an
            // account opened at the bank) is what a second run must not act on.
            let late = if matches!(job, Job::CapturePayment { .. } | Job::RefundPayment { .. }) { 25 } else { 8 };
            if moves_money(&job) && rng.chance(late) {
                injected.redelivered += 1;
                self.held.push((format!("{}~again{}", row.task_id, injected.redelivered), job));
            }
        }
        outbox::mark_sent(&mut tx, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await.unwrap();
        tx.commit().await.unwrap();
        true
    }

    /// A reconciliation tick, as the cron fires it; one in five dies partway and the next tick
    /// finishes it.
    pub async fn reconcile(&mut self, tick: i64) {
        self.injected.reconciliations += 1;
        let job = Job::Cron { schedule: CronSchedule::BankReconcile, tick };
        if self.rng.chance(20) {
            let polls = self.rng.range(1, 60) as u32;
            match dies_after(jobs::run(&self.ctx, &job), polls).await {
                None => {
                    self.injected.crashed_reconciliations += 1;
                    self.die().await;
                }
                Some(result) => result.unwrap_or_else(|e| panic!("reconciliation failed: {e}")),
            }
        }
        run(&self.ctx, &Job::Cron { schedule: CronSchedule::BankReconcile, tick: tick + 1 }).await;
    }

    /// A worker process takes up the queued work and is killed with SIGKILL: paused at a failpoint
    /// fitting that work (after the bank carried out a transfer or a payout, or inside a capture's
    /// transaction before or after its commit) once it is there, or at a random moment. A fresh
    /// worker, which takes over the dead one's jobs once its heartbeats stop, is returned to finish.
    pub async fn kill_a_worker(&mut self, app: &TestApp, queued: (usize, usize, usize)) -> WorkerProcess {
        let rng = &mut self.rng;
        let (captures, payouts, transfers) = queued;
        let mut choices = Vec::new();
        if transfers > 0 {
            choices.push("bank.transfer.answered=60000");
        }
        if payouts > 0 {
            choices.push("bank.payout.answered=60000");
        }
        if captures > 0 {
            choices.extend(["capture.before_commit=60000", "capture.after_commit=60000"]);
        }
        if choices.is_empty() || rng.chance(20) {
            choices = vec!["blind"];
        }
        let failpoint = rng.pick(&choices);
        let namespace = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
        let mut first =
            worker_for(app, QUEUES, REDIS_URL, &namespace, if failpoint == "blind" { "" } else { failpoint });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        if failpoint == "blind" {
            tokio::time::sleep(Duration::from_millis(rng.range(200, 3000) as u64)).await;
        } else {
            let redis = workers::storage::connect(REDIS_URL).await.unwrap();
            while tokio::time::Instant::now() < deadline && !reached(app, &redis, &namespace, failpoint).await {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // From noticing the step to being paused at the failpoint just after it.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        kill_9(&mut first);
        self.injected.worker_kills.push(failpoint);
        worker_for(app, QUEUES, REDIS_URL, &namespace, "")
    }
}

/// Whether the worker has reached the step its failpoint pauses after.
async fn reached(app: &TestApp, redis: &redis::aio::ConnectionManager, namespace: &str, failpoint: &str) -> bool {
    if failpoint.starts_with("bank.") {
        let kind = if failpoint.starts_with("bank.transfer") { "transfer" } else { "payout" };
        return sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM bank_operations WHERE status = 'sending' AND kind = $1)",
        )
        .bind(kind)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    }
    let mut redis = redis.clone();
    let stats = workers::admin::stats(&mut redis, namespace).await.unwrap();
    stats.iter().any(|s| s.queue == "payments" && s.running > 0)
}
