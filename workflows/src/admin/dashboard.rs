//! The staff dashboard: the platform's figures now, and per day for the charts.

use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgConnection;
use std::collections::BTreeMap;

/// Counts by name; every known name is present, with 0 when nothing has it.
pub type Counts = BTreeMap<String, i64>;

/// "Today", "week" and "month" are the UTC day so far, and the 7 and 30 days before it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Dashboard {
    pub total_users: i64,
    #[sqlx(json)]
    pub users_by_role: Counts,
    /// People with an account on each messenger (one person may count on several).
    #[sqlx(json)]
    pub users_by_platform: Counts,
    pub new_users_today: i64,
    pub new_users_week: i64,
    pub new_users_month: i64,
    pub total_procurements: i64,
    #[sqlx(json)]
    pub procurements_by_status: Counts,
    pub total_payments: i64,
    #[sqlx(json)]
    pub payments_by_status: Counts,
    /// Succeeded payments, by when they were paid.
    pub total_revenue: Money,
    pub revenue_today: Money,
    pub revenue_week: Money,
    pub revenue_month: Money,
    pub total_messages: i64,
    pub messages_today: i64,
}

const ROLES: [&str; 3] = ["buyer", "organizer", "supplier"];
const PLATFORMS: [&str; 4] = ["telegram", "vk", "websocket", "whatsapp"];
const PROCUREMENT_STATUSES: [&str; 6] = ["draft", "active", "stopped", "payment", "completed", "cancelled"];
const PAYMENT_STATUSES: [&str; 5] = ["pending", "waiting_for_capture", "succeeded", "cancelled", "refunded"];

fn with_zeros(mut counts: Counts, names: &[&str]) -> Counts {
    for name in names {
        counts.entry((*name).to_string()).or_insert(0);
    }
    counts
}

/// A read-only transaction that compiles nothing: these queries are planned as expensive (whole
/// tables counted), which makes PostgreSQL JIT-compile them, and the compilation costs more than
/// the counting (measured: 200 ms → 130 ms for the dashboard on 100,000 users).
async fn without_jit(conn: &mut PgConnection) -> sqlx::Result<sqlx::Transaction<'_, sqlx::Postgres>> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    sqlx::query("SET LOCAL jit = off").execute(&mut *tx).await?;
    Ok(tx)
}

fn start_of_day(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// Every figure in one round trip; each count reads one table (indexes on the time columns keep
/// the "today/week/month" ones to a range scan).
pub async fn dashboard(conn: &mut PgConnection, now: DateTime<Utc>) -> DomainResult<Dashboard> {
    let today = start_of_day(now);
    let mut tx = without_jit(conn).await?;
    let mut d: Dashboard = sqlx::query_as(
        "SELECT
            (SELECT count(*) FROM users) AS total_users,
            (SELECT COALESCE(json_object_agg(role, n), '{}') FROM
                (SELECT role, count(*) n FROM users GROUP BY role) r) AS users_by_role,
            (SELECT COALESCE(json_object_agg(platform, n), '{}') FROM
                -- one identity per person and platform (user_identities_user_platform_key), so a
                -- plain count is the number of people, read from an index
                (SELECT platform, count(*) n FROM user_identities GROUP BY platform) r)
                AS users_by_platform,
            (SELECT count(*) FROM users WHERE created_at >= $1) AS new_users_today,
            (SELECT count(*) FROM users WHERE created_at >= $2) AS new_users_week,
            (SELECT count(*) FROM users WHERE created_at >= $3) AS new_users_month,
            (SELECT count(*) FROM procurements) AS total_procurements,
            (SELECT COALESCE(json_object_agg(status, n), '{}') FROM
                (SELECT status, count(*) n FROM procurements GROUP BY status) r) AS procurements_by_status,
            (SELECT count(*) FROM payments) AS total_payments,
            (SELECT COALESCE(json_object_agg(status, n), '{}') FROM
                (SELECT status, count(*) n FROM payments GROUP BY status) r) AS payments_by_status,
            (SELECT COALESCE(sum(amount), 0) FROM payments WHERE status = 'succeeded') AS total_revenue,
            (SELECT COALESCE(sum(amount), 0) FROM payments WHERE status = 'succeeded' AND paid_at >= $1)
                AS revenue_today,
            (SELECT COALESCE(sum(amount), 0) FROM payments WHERE status = 'succeeded' AND paid_at >= $2)
                AS revenue_week,
            (SELECT COALESCE(sum(amount), 0) FROM payments WHERE status = 'succeeded' AND paid_at >= $3)
                AS revenue_month,
            (SELECT count(*) FROM chat_messages) AS total_messages,
            (SELECT count(*) FROM chat_messages WHERE created_at >= $1) AS messages_today",
    )
    .bind(today)
    .bind(today - Duration::days(7))
    .bind(today - Duration::days(30))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    d.users_by_role = with_zeros(d.users_by_role, &ROLES);
    d.users_by_platform = with_zeros(d.users_by_platform, &PLATFORMS);
    d.procurements_by_status = with_zeros(d.procurements_by_status, &PROCUREMENT_STATUSES);
    d.payments_by_status = with_zeros(d.payments_by_status, &PAYMENT_STATUSES);
    Ok(d)
}

impl Dashboard {
    pub fn active_procurements(&self) -> i64 {
        self.procurements_by_status.get("active").copied().unwrap_or(0)
    }

    pub fn completed_procurements(&self) -> i64 {
        self.procurements_by_status.get("completed").copied().unwrap_or(0)
    }
}

/// One day of the charts (UTC days).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Day {
    pub date: NaiveDate,
    pub registrations: i64,
    pub procurements_created: i64,
    pub revenue: Money,
    pub messages: i64,
}

/// Longest series the charts may ask for.
pub const MAX_SERIES_DAYS: i64 = 365;

/// The last `days` days up to today, oldest first, one entry per day even when nothing happened.
/// Past days' registrations and new procurements come from the daily statistics rows where the
/// cron job wrote them; today and days without a row are counted live, as are revenue and
/// messages (which those rows do not keep).
pub async fn series(conn: &mut PgConnection, days: i64, now: DateTime<Utc>) -> DomainResult<Vec<Day>> {
    if !(1..=MAX_SERIES_DAYS).contains(&days) {
        return Err(DomainError::invalid("days", format!("must be between 1 and {MAX_SERIES_DAYS}")));
    }
    let today = now.date_naive();
    let first = today - Duration::days(days - 1);
    let lo = first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    // One grouped pass per table over the whole range, rather than a count per day.
    let mut tx = without_jit(conn).await?;
    let rows = sqlx::query_as(
        "WITH u AS (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
                    FROM users WHERE created_at >= $3 GROUP BY 1),
              p AS (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
                    FROM procurements WHERE created_at >= $3 GROUP BY 1),
              pay AS (SELECT (paid_at AT TIME ZONE 'UTC')::date AS day, sum(amount) AS total
                      FROM payments WHERE status = 'succeeded' AND paid_at >= $3 GROUP BY 1),
              m AS (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
                    FROM chat_messages WHERE created_at >= $3 GROUP BY 1)
         SELECT d.day AS date,
                COALESCE(CASE WHEN d.day < $2 THEN (s.stats->>'new_users')::bigint END, u.n, 0) AS registrations,
                COALESCE(CASE WHEN d.day < $2 THEN (s.stats->>'new_procurements')::bigint END, p.n, 0)
                    AS procurements_created,
                COALESCE(pay.total, 0) AS revenue,
                COALESCE(m.n, 0) AS messages
         FROM (SELECT g::date AS day FROM generate_series($1::date, $2::date, interval '1 day') g) d
         LEFT JOIN daily_stats s ON s.day = d.day
         LEFT JOIN u ON u.day = d.day
         LEFT JOIN p ON p.day = d.day
         LEFT JOIN pay ON pay.day = d.day
         LEFT JOIN m ON m.day = d.day
         ORDER BY d.day",
    )
    .bind(first)
    .bind(today)
    .bind(lo)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
