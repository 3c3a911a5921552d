//! A server-side list: the query (page, ordering, search, filters) in state, the page the API
//! answered, reloads, and answers to superseded queries dropped.

use web_kit::components::{Alert, Pager, SortHeader, TableFrame};
use web_kit::{ApiError, Page};
use yew::prelude::*;

/// Rows per page the app asks for.
pub const PAGE_SIZE: u64 = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub page: u64,
    pub ordering: String,
    pub search: String,
    /// `(name, value)`; empty values are not sent.
    pub filters: Vec<(String, String)>,
}

impl ListQuery {
    pub fn new(ordering: &str) -> Self {
        Self { page: 1, ordering: ordering.into(), search: String::new(), filters: Vec::new() }
    }

    /// The query parameters for the API.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut params =
            vec![("page".to_owned(), self.page.to_string()), ("page_size".to_owned(), PAGE_SIZE.to_string())];
        if !self.ordering.is_empty() {
            params.push(("ordering".into(), self.ordering.clone()));
        }
        let search = web_kit::display::search_terms(&self.search);
        if !search.is_empty() {
            params.push(("search".into(), search));
        }
        params.extend(self.filters.iter().filter(|(_, v)| !v.is_empty()).cloned());
        params
    }

    pub fn filter(&self, name: &str) -> String {
        self.filters.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// The query with `name` set to `value`, from the first page.
    pub fn with_filter(&self, name: &str, value: String) -> Self {
        let mut next = self.clone();
        next.filters.retain(|(k, _)| k != name);
        next.filters.push((name.to_owned(), value));
        next.page = 1;
        next
    }

    pub fn with_search(&self, search: String) -> Self {
        Self { search, page: 1, ..self.clone() }
    }

    pub fn with_ordering(&self, ordering: String) -> Self {
        Self { ordering, page: 1, ..self.clone() }
    }

    pub fn with_page(&self, page: u64) -> Self {
        Self { page: page.max(1), ..self.clone() }
    }
}

pub struct List<T: 'static> {
    pub query: UseStateHandle<ListQuery>,
    pub data: UseStateHandle<Option<Result<Page<T>, ApiError>>>,
    pub loading: bool,
    pub reload: Callback<()>,
}

impl<T> List<T> {
    pub fn on_search(&self) -> Callback<String> {
        let query = self.query.clone();
        Callback::from(move |text: String| query.set(query.with_search(text)))
    }

    pub fn on_filter(&self) -> Callback<(String, String)> {
        let query = self.query.clone();
        Callback::from(move |(name, value): (String, String)| query.set(query.with_filter(&name, value)))
    }

    pub fn on_sort(&self) -> Callback<String> {
        let query = self.query.clone();
        Callback::from(move |ordering: String| query.set(query.with_ordering(ordering)))
    }

    pub fn on_page(&self) -> Callback<u64> {
        let query = self.query.clone();
        Callback::from(move |page: u64| query.set(query.with_page(page)))
    }

    pub fn pages(&self) -> u64 {
        match &*self.data {
            Some(Ok(page)) => page.pages(PAGE_SIZE),
            _ => 1,
        }
    }

    /// A header cell that sorts the list by `field` on the server.
    pub fn sort(&self, field: &'static str, label: &'static str) -> Html {
        html! { <SortHeader {field} {label} ordering={self.query.ordering.clone()} on_sort={self.on_sort()} /> }
    }

    /// The page as `<table data-table="{name}">` (one `row` per item) with the pager under it,
    /// or the API's refusal; nothing before the first answer.
    pub fn table(&self, name: &'static str, head: Html, row: impl Fn(&T) -> Html) -> Html {
        match &*self.data {
            None => html! {},
            Some(Err(error)) => html! { <Alert error={error.clone()} /> },
            Some(Ok(page)) => html! {
                <>
                    <TableFrame {name} {head}>{ for page.results.iter().map(row) }</TableFrame>
                    <Pager page={self.query.page} pages={self.pages()} count={page.count} exact={page.count_exact} on_page={self.on_page()} />
                </>
            },
        }
    }
}

/// A list loaded by `fetch` whenever its query changes or `reload` is called.
#[hook]
pub fn use_list<T, F, Fut>(ordering: &'static str, fetch: F) -> List<T>
where
    T: Clone + PartialEq + 'static,
    F: Fn(Vec<(String, String)>) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let query = use_state(|| ListQuery::new(ordering));
    let data = use_state(|| None);
    let loading = use_state(|| true);
    let version = use_state(|| 0_u32);
    let latest = use_mut_ref(|| 0_u32);
    {
        let (data, loading) = (data.clone(), loading.clone());
        use_effect_with(((*query).clone(), *version), move |(query, _)| {
            *latest.borrow_mut() += 1;
            let ticket = *latest.borrow();
            loading.set(true);
            let call = fetch(query.params());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = call.await;
                // A newer query was sent meanwhile: its answer will be shown, not this one.
                if *latest.borrow() == ticket {
                    data.set(Some(answer));
                    loading.set(false);
                }
            });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |()| version.set(version.wrapping_add(1)))
    };
    List { query, data, loading: *loading, reload }
}

#[cfg(test)]
mod tests {
    use super::ListQuery;

    #[test]
    fn a_filter_change_starts_again_from_the_first_page_and_blanks_are_not_sent() {
        let query = ListQuery::new("-created_at").with_page(3).with_filter("role", "buyer".into());
        assert_eq!(query.page, 1);
        let query = query.with_filter("platform", String::new()).with_search("  Иван  ".into());
        let params = query.params();
        assert!(params.contains(&("role".into(), "buyer".into())));
        assert!(params.contains(&("search".into(), "иван".into())));
        assert!(params.contains(&("ordering".into(), "-created_at".into())));
        assert!(!params.iter().any(|(k, _)| k == "platform"));
    }
}
