//! Prometheus metrics: queue depth per state, live workers, retries, recent throughput, job
//! latency histograms (summed over every worker process), the outbox backlog, and whether the
//! queues answered at all.

use crate::state::AppState;
use poem::web::Data;
use poem::{IntoResponse, handler};
use std::fmt::Write;
use workflows::jobs::admin::{Latency, QueueCounts};

fn histogram(out: &mut String, name: &str, queue: &str, latency: &Latency) {
    for (le, count) in latency.bounds.iter().zip(&latency.cumulative) {
        let le = if le.is_finite() { le.to_string() } else { "+Inf".into() };
        let _ = writeln!(out, "{name}_bucket{{queue=\"{queue}\",le=\"{le}\"}} {count}");
    }
    let _ = writeln!(out, "{name}_sum{{queue=\"{queue}\"}} {}", latency.sum_seconds);
    let _ = writeln!(out, "{name}_count{{queue=\"{queue}\"}} {}", latency.count);
}

#[handler]
pub async fn metrics(state: Data<&AppState>) -> impl IntoResponse {
    let mut out = String::new();
    let pending = workflows::outbox::unsent_count(&state.pool).await.ok();
    let _ = writeln!(out, "# HELP groupbuy_outbox_pending Outbox rows not yet relayed to a queue.");
    let _ = writeln!(out, "# TYPE groupbuy_outbox_pending gauge");
    if let Some(pending) = pending {
        let _ = writeln!(out, "groupbuy_outbox_pending {pending}");
    }
    if let Some(queues) = &state.queues {
        // The queue series are missing while Redis is down; this gauge says why. The scrape
        // itself still succeeds: the outbox backlog matters most exactly then.
        let stats = queues.stats().await;
        let _ = writeln!(out, "# HELP groupbuy_queues_up Whether the job queues (Redis) answered this scrape.");
        let _ = writeln!(out, "# TYPE groupbuy_queues_up gauge");
        let _ = writeln!(out, "groupbuy_queues_up {}", u8::from(stats.is_ok()));
        match stats {
            Ok(stats) => queue_metrics(&mut out, &stats),
            Err(e) => tracing::warn!(error = %e, "/metrics without the job queues"),
        }
    }
    out.with_content_type("text/plain; version=0.0.4")
}

fn queue_metrics(out: &mut String, stats: &[QueueCounts]) {
    let _ = writeln!(out, "# HELP groupbuy_jobs Jobs per queue and state.");
    let _ = writeln!(out, "# TYPE groupbuy_jobs gauge");
    for s in stats {
        for (label, value) in [
            ("waiting", s.waiting),
            ("scheduled", s.scheduled),
            ("running", s.running),
            ("done", s.done),
            ("dead", s.dead),
        ] {
            let _ = writeln!(out, "groupbuy_jobs{{queue=\"{}\",state=\"{label}\"}} {value}", s.queue);
        }
    }
    let _ = writeln!(out, "# HELP groupbuy_workers Live workers per queue.");
    let _ = writeln!(out, "# TYPE groupbuy_workers gauge");
    for s in stats {
        let _ = writeln!(out, "groupbuy_workers{{queue=\"{}\"}} {}", s.queue, s.workers);
    }
    let _ = writeln!(out, "# HELP groupbuy_jobs_retried_total Failed runs queued again with back-off.");
    let _ = writeln!(out, "# TYPE groupbuy_jobs_retried_total counter");
    for s in stats {
        let _ = writeln!(out, "groupbuy_jobs_retried_total{{queue=\"{}\"}} {}", s.queue, s.retried);
    }
    let _ = writeln!(out, "# HELP groupbuy_jobs_throughput Jobs finished per second over a recent window.");
    let _ = writeln!(out, "# TYPE groupbuy_jobs_throughput gauge");
    for s in stats {
        for (window, rate) in [("1m", s.throughput_1m), ("5m", s.throughput_5m)] {
            let _ = writeln!(out, "groupbuy_jobs_throughput{{queue=\"{}\",window=\"{window}\"}} {rate:.3}", s.queue);
        }
    }
    for (name, help, pick) in [
        (
            "groupbuy_job_wait_seconds",
            "From a job being due to its start.",
            (|s| &s.wait) as fn(&QueueCounts) -> &Latency,
        ),
        ("groupbuy_job_run_seconds", "From a job's start to its end.", |s| &s.run),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for s in stats {
            histogram(out, name, &s.queue, pick(s));
        }
    }
}
