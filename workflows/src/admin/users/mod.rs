//! People as staff see them: every account (staff included) with what they did on the platform,
//! and the writes staff make to them.

mod write;

pub use write::{BulkAction, UserEdit, bulk_action, toggle_active, toggle_verified, update, update_balance};

use super::sort::Sort;
use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use crate::page::{Page, PageRequest};
use crate::users::{Platform, Role, SELECT_USER, User};
use sqlx::{PgConnection, QueryBuilder};

/// A user with their activity: orders placed, procurements organized and money spent.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    #[sqlx(flatten)]
    pub user: User,
    /// Orders ever placed (those later cancelled included).
    pub participations_count: i64,
    pub organized_count: i64,
    /// Money that left the balance for orders and withdrawals, as the balance summary counts it.
    pub total_spent: Money,
}

/// The staff list's filters; `None` filters nothing.
#[derive(Debug, Clone, Default)]
pub struct UserListFilter {
    pub role: Option<Role>,
    pub platform: Option<Platform>,
    pub is_active: Option<bool>,
    pub is_verified: Option<bool>,
    /// Matches first and last name, username, email, phone and platform ids, case-insensitively.
    pub search: Option<String>,
    /// `id`, `created_at`, `balance`, `first_name` or `total_spent`, `-` for descending.
    pub ordering: Option<String>,
}

/// Money spent by user `u.id`: the debits of their balance (orders paid and withdrawals), as
/// the original counted it (|sum of negative movements|); `ledger_entries_debits_idx` answers it.
const TOTAL_SPENT: &str = "COALESCE((SELECT -sum(e.amount)
    FROM ledger_accounts sa JOIN ledger_entries e ON e.account_id = sa.id
    WHERE sa.kind = 'user_balance' AND sa.user_id = u.id AND e.amount < 0), 0)";

/// Everyone's spending at once, for ordering the whole list by it: one grouped pass over the
/// debits instead of a lookup per person.
const SPENDING: &str = " LEFT JOIN (SELECT sa.user_id, -sum(e.amount) AS spent
    FROM ledger_accounts sa JOIN ledger_entries e ON e.account_id = sa.id
    WHERE sa.kind = 'user_balance' AND e.amount < 0 GROUP BY sa.user_id) s ON s.user_id = u.id";

const ORDERINGS: &[(&str, &str)] = &[
    ("id", "u.id"),
    ("created_at", "u.created_at"),
    ("balance", "COALESCE(a.balance, 0)"),
    ("first_name", "u.first_name"),
    ("total_spent", "COALESCE(s.spent, 0)"),
];

const NEWEST_FIRST: Sort = Sort { column: "u.created_at", descending: true };

/// The full rows (with activity) of these users, in no particular order.
async fn records(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<Vec<UserRecord>> {
    sqlx::query_as(crate::sql!(
        "SELECT u.*,
                (SELECT count(*) FROM participants pa WHERE pa.user_id = u.id) AS participations_count,
                (SELECT count(*) FROM procurements p WHERE p.organizer_id = u.id) AS organized_count,
                {TOTAL_SPENT} AS total_spent
         FROM ({SELECT_USER}) u WHERE u.id = ANY($1)"
    ))
    .bind(ids)
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<UserRecord> {
    records(conn, &[id]).await?.pop().ok_or_else(|| DomainError::not_found("user", id))
}

/// A page of users. The page's ids come from a narrow scan of `users` and only those rows are
/// read whole (identities, balance, activity); the total is counted apart, once.
pub async fn list(
    conn: &mut PgConnection,
    filter: &UserListFilter,
    page: PageRequest,
) -> DomainResult<Page<UserRecord>> {
    let sort = Sort::parse(filter.ordering.as_deref(), ORDERINGS, NEWEST_FIRST)?;
    let mut q = QueryBuilder::new("SELECT u.id FROM users u");
    if sort.column.contains("s.spent") {
        q.push(SPENDING);
    }
    if sort.column.contains("a.balance") {
        q.push(" LEFT JOIN ledger_accounts a ON a.kind = 'user_balance' AND a.user_id = u.id");
    }
    q.push(" WHERE TRUE");
    push_filters(&mut q, filter);
    q.push(format_args!(" ORDER BY {} LIMIT ", sort.clause("u.id")))
        .push_bind(page.limit())
        .push(" OFFSET ")
        .push_bind(page.offset());
    let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *conn).await?;

    let mut q = QueryBuilder::new("SELECT count(*) FROM users u WHERE TRUE");
    push_filters(&mut q, filter);
    let count: i64 = q.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut rows = records(conn, &ids).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.user.id));
    Ok(Page { count, page: page.page, size: page.size, results: rows })
}

fn push_filters(q: &mut QueryBuilder<sqlx::Postgres>, filter: &UserListFilter) {
    if let Some(role) = filter.role {
        q.push(" AND u.role = ").push_bind(role);
    }
    if let Some(platform) = filter.platform {
        q.push(" AND EXISTS (SELECT 1 FROM user_identities x WHERE x.user_id = u.id AND x.platform = ")
            .push_bind(platform)
            .push(")");
    }
    if let Some(active) = filter.is_active {
        q.push(" AND u.is_active = ").push_bind(active);
    }
    if let Some(verified) = filter.is_verified {
        q.push(" AND u.is_verified = ").push_bind(verified);
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = crate::search::contains_pattern(search.trim());
        q.push(" AND (");
        for (i, column) in ["u.first_name", "u.last_name", "u.username", "u.email", "u.phone"].iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            q.push(format_args!("{column} ILIKE ")).push_bind(pattern.clone());
        }
        q.push(" OR EXISTS (SELECT 1 FROM user_identities x WHERE x.user_id = u.id AND x.platform_user_id ILIKE ")
            .push_bind(pattern)
            .push("))");
    }
}
