//! Searching procurements: one question, the query.

use serde::{Deserialize, Serialize};

use super::{Ctx, Input, Step, char_len, intercept};
use crate::model::ProcurementView;
use crate::reply::Reply;
use crate::texts::procurement as t;

pub const MIN_QUERY_CHARS: usize = 2;
pub const MAX_QUERY_CHARS: usize = 100;

/// Waiting for the search text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchState;

/// A trimmed query of 2–100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery(pub String);

pub fn start(ctx: &Ctx) -> (SearchState, Reply) {
    (SearchState, Reply::text(t::ask_search_query(ctx.lang)))
}

pub fn step(state: SearchState, input: &Input, ctx: &Ctx) -> Step<SearchState, SearchQuery> {
    if let Some(step) = intercept(input, ctx.lang) {
        return step;
    }
    let Input::Text(text) = input else {
        return Step::ask(state, Reply::text(t::ask_search_query(ctx.lang)));
    };
    let query = text.trim();
    if !(MIN_QUERY_CHARS..=MAX_QUERY_CHARS).contains(&char_len(query)) {
        let error = t::query_length(MIN_QUERY_CHARS, MAX_QUERY_CHARS, ctx.lang);
        return Step::ask(state, Reply::text(error));
    }
    Step::Done(SearchQuery(query.to_string()))
}

/// Whether a procurement matches a query: a case-insensitive substring of its
/// title, city or description, as the original's search did.
pub fn matches(p: &ProcurementView, query: &str) -> bool {
    let needle = query.trim().to_lowercase();
    [&p.title, &p.city, &p.description].iter().any(|field| field.to_lowercase().contains(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::Callback;
    use crate::dialog::test_support::{cont, ctx, done, text};

    #[test]
    fn accepts_trimmed_queries_of_two_chars_or_more() {
        assert_eq!(done(step(SearchState, &text("  мёд "), &ctx())), SearchQuery("мёд".into()));
        // two Cyrillic letters are four bytes: the rule counts characters
        assert_eq!(done(step(SearchState, &text("мё"), &ctx())), SearchQuery("мё".into()));
    }

    #[test]
    fn rejects_too_short_or_too_long() {
        for bad in ["", " ", "м", " a ", &"я".repeat(101)] {
            let (_, reply) = cont(step(SearchState, &text(bad), &ctx()));
            assert!(reply.text.contains("от 2 до 100"), "{bad}");
        }
        let (_, reply) = cont(step(SearchState, &Input::Callback(Callback::Skip), &ctx()));
        assert!(reply.text.starts_with("Введите"));
    }

    #[test]
    fn matching_is_case_insensitive_over_three_fields() {
        let p = ProcurementView {
            id: 1,
            title: "Алтайский Мёд".into(),
            description: "Свежий урожай".into(),
            organizer_name: "Иван".into(),
            category_name: None,
            city: "Барнаул".into(),
            target_amount: 1,
            current_amount: 0,
            participant_count: 0,
            unit: "кг".into(),
            price_per_unit: None,
            deadline: String::new(),
            status: "active".into(),
            stop_at_amount: None,
            can_join: true,
            progress: 0,
        };
        assert!(matches(&p, "мёд"));
        assert!(matches(&p, "БАРНАУЛ"));
        assert!(matches(&p, " урожай "));
        assert!(!matches(&p, "Иван"));
    }
}
