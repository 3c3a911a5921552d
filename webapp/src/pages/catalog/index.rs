//! The loaded procurements as wasm-utils' search index: built once per loaded list, then each
//! keystroke asks it for positions (the incremental search reuses the previous word's hits),
//! so narrowing the list never goes back to the server.

use crate::api::procurements::Listed;
use std::borrow::Cow;
use wasm_utils::procurements::Procurement;
use wasm_utils::set::ProcurementSet;

pub struct SearchIndex {
    set: ProcurementSet,
}

impl SearchIndex {
    pub fn new(items: &[Listed]) -> Self {
        let rows: Vec<Procurement<'_>> = items
            .iter()
            .map(|p| Procurement {
                id: p.id,
                title: Cow::Borrowed(p.title.as_str()),
                city: Some(Cow::Borrowed(p.city.as_str())),
                category: p.category_name.as_deref().map(Cow::Borrowed),
                organizer_name: Some(Cow::Borrowed(p.organizer_name.as_str())),
                ..Procurement::default()
            })
            .collect();
        Self { set: ProcurementSet::from_items(&rows) }
    }

    /// Positions in the loaded list, best match first; `None` for an empty query (everything, in
    /// the server's order).
    pub fn find(&self, query: &str) -> Option<Vec<u32>> {
        if wasm_utils::procurements::query_words(query).is_empty() { None } else { Some(self.set.search(query)) }
    }
}

impl PartialEq for SearchIndex {
    fn eq(&self, other: &Self) -> bool {
        self.set.ids() == other.set.ids()
    }
}
