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
        Page { count: self.count, page: self.page, size: self.size, results: self.results.into_iter().map(f).collect() }
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
    Ok(Page { count, page: page.page, size: page.size, results })
}
