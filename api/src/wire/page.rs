//! `{count, next, previous, results}` pages with absolute links, as the original API served.

use poem::Request;
use poem_openapi::Object;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use workflows::page::Page;

#[derive(Object)]
pub struct Paginated<T: ParseFromJSON + ToJSON + Send + Sync> {
    pub count: i64,
    /// Present, and false, only when `count` is the database's estimate: staff lists matching
    /// more than 10,000 rows are not counted row by row (the pages themselves are exact).
    /// Otherwise absent, as in the original's `{count, next, previous, results}`.
    #[oai(skip_serializing_if_is_none)]
    pub count_exact: Option<bool>,
    /// URL of the next page, or null on the last.
    #[oai(nullable)]
    pub next: Option<String>,
    /// URL of the previous page, or null on the first.
    #[oai(nullable)]
    pub previous: Option<String>,
    pub results: Vec<T>,
}

impl<T: ParseFromJSON + ToJSON + Send + Sync> Paginated<T> {
    pub fn new<U>(req: &Request, page: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let (next, previous) = page_links(req, &page);
        let (count, count_exact) = (page.count, (!page.count_exact).then_some(false));
        Self { count, count_exact, next, previous, results: page.results.into_iter().map(f).collect() }
    }
}

/// Links to the neighbouring pages: this request's URL with `page` replaced.
pub fn page_links<U>(req: &Request, page: &Page<U>) -> (Option<String>, Option<String>) {
    let link = |n: i64| {
        let host = req.header("host").unwrap_or("localhost");
        let scheme = req.header("x-forwarded-proto").unwrap_or("http");
        // The URI as the client sent it: `uri()` has lost the `/api` prefix the route nests under.
        let uri = req.original_uri();
        let mut query: Vec<String> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
            .map(str::to_string)
            .collect();
        if n > 1 {
            query.push(format!("page={n}"));
        }
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        format!("{scheme}://{host}{}{query}", uri.path())
    };
    let next = page.has_next().then(|| link(page.page + 1));
    let previous = page.has_previous().then(|| link(page.page - 1));
    (next, previous)
}
