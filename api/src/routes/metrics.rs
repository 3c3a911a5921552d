//! Prometheus metrics: queue depth per state, live workers, and the outbox backlog.

use crate::state::AppState;
use poem::web::Data;
use poem::{IntoResponse, handler};
use std::fmt::Write;

#[handler]
pub async fn metrics(state: Data<&AppState>) -> impl IntoResponse {
    let mut out = String::new();
    let pending: Option<i64> =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetch_one(&state.pool).await.ok();
    let _ = writeln!(out, "# HELP groupbuy_outbox_pending Outbox rows not yet relayed to a queue.");
    let _ = writeln!(out, "# TYPE groupbuy_outbox_pending gauge");
    if let Some(pending) = pending {
        let _ = writeln!(out, "groupbuy_outbox_pending {pending}");
    }
    if let Some(queues) = &state.queues
        && let Ok(stats) = queues.stats().await
    {
        let _ = writeln!(out, "# HELP groupbuy_jobs Jobs per queue and state.");
        let _ = writeln!(out, "# TYPE groupbuy_jobs gauge");
        for s in &stats {
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
        for s in &stats {
            let _ = writeln!(out, "groupbuy_workers{{queue=\"{}\"}} {}", s.queue, s.workers);
        }
    }
    out.with_content_type("text/plain; version=0.0.4")
}
