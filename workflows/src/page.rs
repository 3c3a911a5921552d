//! Page-numbered lists, as the original API served them (20 per page).

pub const PAGE_SIZE: i64 = 20;
/// The largest `page_size` the staff lists accept.
pub const MAX_PAGE_SIZE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based.
    pub page: i64,
    /// Rows per page: [`PAGE_SIZE`] unless the caller chose (staff lists).
    pub size: i64,
}

impl PageRequest {
    pub fn new(page: Option<i64>) -> Self {
        Self { page: page.unwrap_or(1).max(1), size: PAGE_SIZE }
    }

    /// A page of `size` rows (1 to [`MAX_PAGE_SIZE`], default [`PAGE_SIZE`]), as staff lists take
    /// it; a `page` below 1 or a size outside that range is refused.
    pub fn sized(page: Option<i64>, size: Option<i64>) -> crate::DomainResult<Self> {
        if page.is_some_and(|p| p < 1) {
            return Err(crate::DomainError::invalid("page", "must be 1 or more"));
        }
        let size = size.unwrap_or(PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(crate::DomainError::invalid("page_size", format!("must be between 1 and {MAX_PAGE_SIZE}")));
        }
        Ok(Self { size, ..Self::new(page) })
    }

    pub fn limit(self) -> i64 {
        self.size
    }

    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.size)
    }
}

/// One page of a list plus the total count across all pages.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub count: i64,
    /// False when `count` is PostgreSQL's estimate: a staff list matching more rows than
    /// [`EXACT_COUNT_LIMIT`] is not counted row by row.
    pub count_exact: bool,
    pub page: i64,
    /// Rows per page, as requested.
    pub size: i64,
    pub results: Vec<T>,
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.page.saturating_mul(self.size) < self.count
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    /// A page past the end exists only for an empty list's first page.
    pub fn is_out_of_range(&self) -> bool {
        self.page > 1 && self.results.is_empty()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            count: self.count,
            count_exact: self.count_exact,
            page: self.page,
            size: self.size,
            results: self.results.into_iter().map(f).collect(),
        }
    }
}

/// Runs a list query whose rows carry `count(*) OVER () AS total` and splits the total off.
/// Past the last page the window count is unavailable, so the count comes back as 0 there;
/// callers answer such pages with "invalid page".
pub async fn fetch_counted<T>(
    mut query: sqlx::QueryBuilder<sqlx::Postgres>,
    conn: &mut sqlx::PgConnection,
    page: PageRequest,
) -> sqlx::Result<Page<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    use sqlx::Row;
    let rows = query.build().fetch_all(conn).await?;
    let count = match rows.first() {
        Some(row) => row.try_get::<i64, _>("total")?,
        None => 0,
    };
    let results = rows.iter().map(T::from_row).collect::<sqlx::Result<Vec<T>>>()?;
    Ok(Page { count, count_exact: true, page: page.page, size: page.size, results })
}

/// Lists matching more rows than this are counted by PostgreSQL's estimate: an exact count
/// reads every matching row, which on a ledger of millions costs more than the page itself.
pub const EXACT_COUNT_LIMIT: i64 = 10_000;

/// How many rows `from_where` (` FROM … WHERE …`, pushed with its binds) matches: exactly up
/// to [`EXACT_COUNT_LIMIT`] (reading at most one row more), past it the planner's estimate
/// (never less than what was counted), with `false`.
pub async fn count_rows(
    conn: &mut sqlx::PgConnection,
    from_where: impl Fn(&mut sqlx::QueryBuilder<sqlx::Postgres>),
) -> sqlx::Result<(i64, bool)> {
    let mut capped = sqlx::QueryBuilder::new("SELECT count(*) FROM (SELECT 1");
    from_where(&mut capped);
    capped.push(" LIMIT ").push_bind(EXACT_COUNT_LIMIT + 1).push(") capped");
    let counted: i64 = capped.build_query_scalar().fetch_one(&mut *conn).await?;
    if counted <= EXACT_COUNT_LIMIT {
        return Ok((counted, true));
    }
    let mut explain = sqlx::QueryBuilder::new("EXPLAIN (FORMAT JSON) SELECT 1");
    from_where(&mut explain);
    let plan: sqlx::types::Json<serde_json::Value> = explain.build_query_scalar().fetch_one(&mut *conn).await?;
    let estimate = plan.0[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64;
    Ok((estimate.max(counted), false))
}

/// A staff list read in two statements: the page's rows (`rows`, ordered and limited, which an
/// index on the ordering answers without reading the rest) and the count from
/// [`count_rows`]. One statement with `count(*) OVER ()` would build the whole joined result
/// just to count it.
pub async fn fetch_page<T>(
    conn: &mut sqlx::PgConnection,
    mut rows: sqlx::QueryBuilder<sqlx::Postgres>,
    from_where: impl Fn(&mut sqlx::QueryBuilder<sqlx::Postgres>),
    page: PageRequest,
) -> sqlx::Result<Page<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let results = rows.build_query_as::<T>().fetch_all(&mut *conn).await?;
    let (count, count_exact) = count_rows(conn, from_where).await?;
    Ok(Page { count, count_exact, page: page.page, size: page.size, results })
}
