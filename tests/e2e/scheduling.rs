//! Deadlines at scale, with real processes: 500 procurements come due within five seconds while
//! two `groupbuy scheduler` replicas fire the deadline sweep and two `groupbuy worker` processes
//! run the delayed deadline jobs. Each procurement leaves `active` exactly once, by the deadline
//! rule, within a few seconds of its deadline.

use crate::support::*;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use workflows::Actor;
use workflows::money::{Money, Quantity};
use workflows::procurement::{self, JoinRequest, NewProcurement, ProcurementStatus};

const PROCUREMENTS: usize = 500;
/// From the start of the set-up to the first deadline. Opening the 500 procurements takes 2–5 s
/// here, so most of them come due within the same five seconds.
const LEAD: Duration = Duration::from_secs(6);
/// A deadline is at least this far ahead of its procurement's opening, so its order can still be
/// placed on a machine slow enough to need more than LEAD for the set-up (the deadlines then
/// spread out a little further).
const AHEAD: Duration = Duration::from_secs(3);
/// The deadlines are spread evenly over this window (with millisecond parts, as real ones have).
const SPREAD_MS: i64 = 5_000;
/// The latest a transition may come after its deadline. A deadline job is due at its deadline
/// rounded up to the whole second (Redis keeps seconds), is promoted by the next 200 ms poll and
/// then queues behind the other jobs of the lifecycle queue: up to 500 deadlines, their
/// transition jobs and sweep ticks within five seconds, on two workers that share two cores with
/// two schedulers, PostgreSQL and this test. Independently, the deadline sweep runs every 2 s.
/// Here it takes well under 2 s; 10 s leaves room for a slow CI machine.
const MAX_LATENESS_SECS: f64 = 10.0;
/// How long all of it may take on a slow CI machine.
const LIMIT: Duration = Duration::from_secs(90);

/// What a procurement collected by its deadline, and so what the deadline rule does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Funding {
    /// Target 100.00, one order of 1 × 100.00: it reached its target and stops.
    Reached,
    /// Target 10 000.00, one order of 100.00: below target, cancelled with its order.
    Short,
    /// Target 10 000.00, no orders: cancelled.
    Nothing,
}

impl Funding {
    fn of(i: usize) -> Self {
        match i % 4 {
            1 | 3 => Self::Reached,
            2 => Self::Short,
            _ => Self::Nothing,
        }
    }

    fn expected(self) -> &'static str {
        if self == Self::Reached { "stopped" } else { "cancelled" }
    }

    /// The organizer hears of the outcome, and so does the buyer when there is one.
    fn notifications(self) -> i64 {
        if self == Self::Nothing { 1 } else { 2 }
    }
}

/// Real `groupbuy` processes; killed if the test fails before stopping them.
struct Processes {
    children: Vec<(String, Child)>,
    logs: PathBuf,
}

impl Processes {
    fn new(namespace: &str) -> Self {
        let logs = std::env::temp_dir().join(namespace.replace(':', "_"));
        std::fs::create_dir_all(&logs).unwrap();
        Self { children: Vec::new(), logs }
    }

    fn spawn(&mut self, app: &TestApp, namespace: &str, name: &str, args: &[&str]) {
        let log = std::fs::File::create(self.logs.join(format!("{name}.log"))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_groupbuy"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("REDIS_URL", REDIS_URL)
            .env("QUEUE_NAMESPACE", namespace)
            .env("JWT_SECRET", "unused-here-but-required-to-skip-the-dev-secret")
            .env("GROUPBUY_CRON_DEADLINE_SWEEP", "*/2 * * * * *")
            // The sweeps report what they moved at info level.
            .env("RUST_LOG", "warn,workflows::jobs=info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start groupbuy");
        self.children.push((name.to_string(), child));
    }

    /// Every process is still running (none crashed or was stopped by its watchdog).
    fn assert_alive(&mut self) {
        for (name, child) in &mut self.children {
            let exited = child.try_wait().unwrap();
            assert!(exited.is_none(), "{name} exited early ({exited:?}); see {}", self.logs.display());
        }
    }

    /// SIGTERM to all, then waits for each to finish its in-flight work and exit cleanly; the
    /// logs go too (a failed test keeps them).
    fn stop(&mut self) {
        for (_, child) in &self.children {
            Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        }
        for (name, mut child) in self.children.drain(..) {
            let status = child.wait().unwrap();
            assert!(status.success(), "{name} exited with {status}; see {}", self.logs.display());
        }
        let _ = std::fs::remove_dir_all(&self.logs);
    }

    /// What the deadline sweeps moved, from the workers' logs (`cron sweep … items=N`).
    fn swept(&self) -> usize {
        let mut total = 0;
        for entry in std::fs::read_dir(&self.logs).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            for line in text.lines().filter(|l| l.contains("cron sweep") && l.contains("deadline_sweep")) {
                let items = line.rsplit("items=").next().and_then(|s| s.split_whitespace().next());
                total += items.and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
            }
        }
        total
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Opens procurement `i` as production does: a draft, published (which queues its deadline job
/// in the outbox), and joined by `buyer` as its funding says.
async fn open(pool: &PgPool, organizer: i64, buyer: i64, funding: Funding, deadline: DateTime<Utc>) -> i64 {
    // In kopecks: 100.00 or 10 000.00.
    let target = if funding == Funding::Reached { 10_000 } else { 1_000_000 };
    let new = NewProcurement {
        title: "Мёд".into(),
        description: "Алтайский мёд".into(),
        category_id: None,
        organizer_id: organizer,
        supplier_id: None,
        city: "Москва".into(),
        delivery_address: String::new(),
        target_amount: Money::from_hundredths(target),
        stop_at_amount: None,
        unit: "кг".into(),
        price_per_unit: Some(Money::from_hundredths(10_000)),
        min_quantity: None,
        commission_percent: None,
        deadline,
        payment_deadline: None,
        image_url: String::new(),
    }
    .validated(Utc::now())
    .expect("a valid procurement");
    let id = procurement::create(&mut pool.acquire().await.unwrap(), &new).await.unwrap();
    procurement::change_status(pool, id, ProcurementStatus::Active, Actor::System, Utc::now())
        .await
        .unwrap_or_else(|e| panic!("publish {id}: {e}"));
    if funding != Funding::Nothing {
        let order = JoinRequest {
            user_id: buyer,
            quantity: Some(Quantity::from_hundredths(100)),
            amount: None,
            notes: String::new(),
        };
        procurement::join(pool, id, order, Actor::User(buyer), Utc::now())
            .await
            .unwrap_or_else(|e| panic!("join {id}: {e}"));
    }
    id
}

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn five_hundred_deadlines_with_two_schedulers_each_end_once_and_on_time() {
    let app = TestApp::spawn().await;
    let ns = format!("gbtest:{}", uuid::Uuid::new_v4().simple());
    let conn = workers::storage::connect(REDIS_URL).await.unwrap();

    let mut processes = Processes::new(&ns);
    for name in ["scheduler-1", "scheduler-2"] {
        processes.spawn(&app, &ns, name, &["scheduler"]);
    }
    for name in ["worker-1", "worker-2"] {
        processes.spawn(&app, &ns, name, &["worker", "--concurrency", "8"]);
    }
    // Both workers' pools are up before anything comes due.
    eventually("both workers to register", Duration::from_secs(30), || {
        let (mut conn, ns) = (conn.clone(), ns.clone());
        async move {
            let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
            stats.iter().all(|s| s.workers >= 2)
        }
    })
    .await;

    let organizer = app.register("organizer").await;
    let buyer = app.register("buyer").await;
    let started = Instant::now();
    let first = Utc::now() + LEAD;
    let deadline = move |i: usize| first + chrono::Duration::milliseconds(i as i64 * SPREAD_MS / PROCUREMENTS as i64);
    // Ten at a time, earliest deadlines first.
    const LANES: usize = 10;
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..LANES {
        let pool = app.pool.clone();
        lanes.spawn(async move {
            let mut opened = Vec::new();
            for i in (lane..PROCUREMENTS).step_by(LANES) {
                let at = deadline(i).max(Utc::now() + AHEAD);
                opened.push((open(&pool, organizer, buyer, Funding::of(i), at).await, Funding::of(i)));
            }
            opened
        });
    }
    let funding: HashMap<i64, Funding> = lanes.join_all().await.into_iter().flatten().collect();
    let setup = started.elapsed();
    assert_eq!(funding.len(), PROCUREMENTS);
    // Production's way: every publish queued one delayed deadline job, due at the deadline.
    let deadline_jobs = count(
        &app.pool,
        "SELECT count(*) FROM outbox o JOIN procurements p ON p.id = (o.payload->>'procurement_id')::bigint
         WHERE o.payload->>'kind' = 'deadline_reached' AND o.run_at = p.deadline",
    )
    .await;
    assert_eq!(deadline_jobs, PROCUREMENTS as i64);

    eventually("every procurement to leave active", LIMIT, || async {
        count(&app.pool, "SELECT count(*) FROM procurements WHERE status = 'active'").await == 0
    })
    .await;
    let all_done = started.elapsed();
    // Then what follows (transition jobs, notifications) settles: nothing unsent, nothing queued.
    eventually("the queues to settle", LIMIT, || {
        let (mut conn, ns, pool) = (conn.clone(), ns.clone(), app.pool.clone());
        async move {
            let unsent = count(&pool, "SELECT count(*) FROM outbox WHERE sent_at IS NULL").await;
            let stats = workers::admin::stats(&mut conn, &ns).await.unwrap();
            unsent == 0 && stats.iter().all(|s| s.waiting == 0 && s.running == 0 && s.scheduled == 0)
        }
    })
    .await;
    processes.assert_alive();

    // Exactly one transition out of `active` per procurement, the one the deadline rule names,
    // never before the deadline and at most MAX_LATENESS_SECS after it. The event's time is its
    // transaction's start, taken after the job or sweep saw the deadline pass.
    let transitions: Vec<(i64, String, String, f64)> = sqlx::query_as(
        "SELECT e.entity_id, e.to_state, e.event, EXTRACT(EPOCH FROM e.created_at - p.deadline)::float8
         FROM event_log e JOIN procurements p ON p.id = e.entity_id
         WHERE e.entity_type = 'procurement' AND e.from_state = 'active' ORDER BY e.entity_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut per_procurement: HashMap<i64, usize> = HashMap::new();
    let mut lateness = Vec::with_capacity(transitions.len());
    for (id, to, event, late) in &transitions {
        *per_procurement.entry(*id).or_default() += 1;
        let expected = funding[id].expected();
        assert_eq!(to, expected, "procurement {id} ({:?}) went to {to} by {event}", funding[id]);
        assert!(*late >= 0.0, "procurement {id} left active {:.3} s before its deadline", -late);
        lateness.push(*late);
    }
    let twice: Vec<_> = per_procurement.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "procurements that left active more than once: {twice:?}");
    assert_eq!(per_procurement.len(), PROCUREMENTS, "every procurement left active");
    // Nothing else happened to them: published once, ended once.
    let events = count(&app.pool, "SELECT count(*) FROM event_log WHERE entity_type = 'procurement'").await;
    assert_eq!(events, 2 * PROCUREMENTS as i64);
    lateness.sort_by(f64::total_cmp);
    let pct = |p: f64| lateness[((lateness.len() - 1) as f64 * p).round() as usize];
    let (p50, p99, max) = (pct(0.5), pct(0.99), pct(1.0));
    let spread: f64 =
        sqlx::query_scalar("SELECT EXTRACT(EPOCH FROM max(deadline) - min(deadline))::float8 FROM procurements")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    println!(
        "{PROCUREMENTS} deadlines within {spread:.1} s: set-up {setup:.1?}, all ended {all_done:.1?} after the start; \
         lateness p50 {p50:.3} s, p99 {p99:.3} s, max {max:.3} s; {} moved by the sweep, the rest by their jobs",
        processes.swept()
    );
    assert!(max <= MAX_LATENESS_SECS, "a transition came {max:.3} s after its deadline (p99 {p99:.3} s)");

    // What the rule does to the orders: a stopped procurement keeps its order, a cancelled one's
    // is cancelled. Nobody paid while active, so no money moved.
    let orders: Vec<(i64, String)> =
        sqlx::query_as("SELECT procurement_id, status FROM participants").fetch_all(&app.pool).await.unwrap();
    assert_eq!(orders.len(), funding.values().filter(|f| **f != Funding::Nothing).count());
    for (id, status) in &orders {
        let expected = if funding[id] == Funding::Reached { "pending" } else { "cancelled" };
        assert_eq!(status, expected, "the order in procurement {id} ({:?})", funding[id]);
    }
    app.assert_ledger_consistent().await;

    // The people concerned heard of it once each: the transition jobs ran once in effect.
    let notices: Vec<(i64, i64)> =
        sqlx::query_as("SELECT procurement_id, count(*) FROM notifications GROUP BY procurement_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(notices.len(), PROCUREMENTS);
    for (id, n) in &notices {
        assert_eq!(*n, funding[id].notifications(), "notifications of procurement {id} ({:?})", funding[id]);
    }

    // The sweep ran on its 2 s schedule, each tick queued once however many schedulers fired it.
    let ticks = count(&app.pool, "SELECT count(*) FROM outbox WHERE task_id LIKE 'cron:deadline_sweep:%'").await;
    assert!(ticks as f64 >= (all_done.as_secs_f64() - 4.0) / 2.0, "{ticks} deadline sweep ticks in {all_done:?}");

    // Nothing failed for good, and nothing was set aside.
    let mut redis = conn.clone();
    for queue in workers::Queue::ALL {
        let dead = workers::admin::dead(&mut redis, &ns, queue).await.unwrap();
        let first: Vec<_> = dead.iter().take(3).map(|d| (&d.task_id, &d.error)).collect();
        assert!(dead.is_empty(), "{} dead in {}, such as {first:?}", dead.len(), queue.name());
    }
    assert_eq!(count(&app.pool, "SELECT count(*) FROM outbox WHERE error IS NOT NULL").await, 0);

    processes.stop();
}
