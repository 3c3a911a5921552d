//! The API's list pages: `{count, next, previous, results}`.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Page<T> {
    pub count: u64,
    /// False when `count` is the server's estimate (a staff list of more than 10,000 rows).
    #[serde(default = "exact")]
    pub count_exact: bool,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
}

fn exact() -> bool {
    true
}

impl<T> Page<T> {
    /// How many pages `count` items fill at `page_size` per page (at least one).
    pub fn pages(&self, page_size: u64) -> u64 {
        self.count.div_ceil(page_size.max(1)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn an_empty_list_still_has_one_page() {
        let page: Page<i64> = serde_json::from_str(r#"{"count":0,"next":null,"previous":null,"results":[]}"#).unwrap();
        assert_eq!(page.pages(20), 1);
        assert!(page.count_exact, "a count is exact unless the server says otherwise");
        let page = Page { count: 41, count_exact: true, next: None, previous: None, results: vec![1] };
        assert_eq!(page.pages(20), 3);
    }
}
