//! Queuing a procurement's timed steps: its deadline and its payment deadline. Each job's task id
//! carries the time it was queued for, so moving a deadline queues a new job and the old one
//! finds nothing to do.

use crate::outbox;
use crate::queue::Job;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Queues the deadline job of a procurement's current deadline. Its task id carries the
/// deadline, so moving the deadline queues a new job and the old one finds nothing to do.
pub(crate) async fn schedule(conn: &mut PgConnection, id: i64, deadline: DateTime<Utc>) -> sqlx::Result<()> {
    let job = Job::DeadlineReached { procurement_id: id, deadline: deadline.timestamp() };
    outbox::enqueue(conn, &job, Some(deadline)).await
}

/// Queues the payment-deadline job for the procurement's current payment deadline.
pub(crate) async fn schedule_payment(conn: &mut PgConnection, id: i64, deadline: DateTime<Utc>) -> sqlx::Result<()> {
    let job = Job::PaymentDeadlineReached { procurement_id: id, deadline: deadline.timestamp() };
    outbox::enqueue(conn, &job, Some(deadline)).await
}
