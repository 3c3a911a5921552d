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
/// the original counted it (|sum of negative movements|), which the ledger keeps on the
/// account as `debited`.
const TOTAL_SPENT: &str =
    "COALESCE((SELECT sa.debited FROM ledger_accounts sa WHERE sa.kind = 'user_balance' AND sa.user_id = u.id), 0)";

/// Every person's balance account (opened with them): ordering by balance or spending walks
/// its indexes and stops after a page.
const ACCOUNT: &str = " JOIN ledger_accounts a ON a.kind = 'user_balance' AND a.user_id = u.id";

const ORDERINGS: &[(&str, &str)] = &[
    ("id", "u.id"),
    ("created_at", "u.created_at"),
    ("balance", "a.balance"),
    ("first_name", "u.first_name"),
    ("total_spent", "a.debited"),
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
    let by_account = sort.column.starts_with("a.");
    let mut q = QueryBuilder::new("SELECT u.id FROM users u");
    if by_account {
        q.push(ACCOUNT);
    }
    q.push(" WHERE TRUE");
    push_filters(&mut q, filter);
    // Ties by the account's owner: the same person, in the order of the account's index.
    let tie = if by_account { "a.user_id" } else { "u.id" };
    q.push(format_args!(" ORDER BY {} LIMIT ", sort.clause(tie)))
        .push_bind(page.limit())
        .push(" OFFSET ")
        .push_bind(page.offset());
    let ids: Vec<i64> = q.build_query_scalar().fetch_all(&mut *conn).await?;

    let (count, count_exact) = crate::page::count_rows(&mut *conn, |q| {
        q.push(" FROM users u WHERE TRUE");
        push_filters(q, filter);
    })
    .await?;

    let mut rows = records(conn, &ids).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.user.id));
    Ok(Page { count, count_exact, page: page.page, size: page.size, results: rows })
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
        // The expression of `users_search_trgm_idx`, and the messenger ids through theirs: two
        // index scans OR-ed, where a condition per column would read every person.
        let pattern = crate::search::contains_pattern(search.trim());
        q.push(
            " AND ((u.first_name || ' ' || u.last_name || ' ' || u.username || ' ' || u.email || ' ' || u.phone) ILIKE ",
        )
        .push_bind(pattern.clone())
        .push(" OR u.id = ANY(ARRAY(SELECT x.user_id FROM user_identities x WHERE x.platform_user_id ILIKE ")
        .push_bind(pattern)
        .push(")))");
    }
}
