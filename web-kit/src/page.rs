//! The API's list pages: `{count, next, previous, results}`.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Page<T> {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
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
        let page = Page { count: 41, next: None, previous: None, results: vec![1] };
        assert_eq!(page.pages(20), 3);
    }
}
