//! A table that scrolls sideways on narrow screens, and headers that sort it on the server.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TableFrameProps {
    /// `data-table`: the resource the rows are.
    pub name: AttrValue,
    pub head: Html,
    pub children: Html,
}

#[function_component(TableFrame)]
pub fn table_frame(props: &TableFrameProps) -> Html {
    html! {
        <div class="table-wrap" tabindex="0" role="region" aria-label={props.name.clone()}>
            <table data-table={props.name.clone()}>
                <thead>{ props.head.clone() }</thead>
                <tbody>{ props.children.clone() }</tbody>
            </table>
        </div>
    }
}

/// The API's `ordering` after a click on `field`'s header: ascending first, then descending.
pub fn next_ordering(current: &str, field: &str) -> String {
    if current == field { format!("-{field}") } else { field.to_owned() }
}

#[derive(Properties, PartialEq)]
pub struct SortHeaderProps {
    pub field: AttrValue,
    pub label: AttrValue,
    /// The list's `ordering` now.
    pub ordering: AttrValue,
    pub on_sort: Callback<String>,
}

/// A header cell whose button asks the server for another order; `aria-sort` says the current one.
#[function_component(SortHeader)]
pub fn sort_header(props: &SortHeaderProps) -> Html {
    let field = props.field.to_string();
    let (sort, arrow) = if *props.ordering == *field {
        ("ascending", " ↑")
    } else if props.ordering.strip_prefix('-') == Some(field.as_str()) {
        ("descending", " ↓")
    } else {
        ("none", "")
    };
    let onclick = {
        let (on_sort, ordering) = (props.on_sort.clone(), props.ordering.to_string());
        Callback::from(move |_: MouseEvent| on_sort.emit(next_ordering(&ordering, &field)))
    };
    html! {
        <th aria-sort={sort}>
            <button type="button" class="sort" data-sort={props.field.clone()} {onclick}>
                { props.label.clone() }{ arrow }
            </button>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::next_ordering;

    #[test]
    fn a_second_click_reverses_the_order() {
        assert_eq!(next_ordering("-created_at", "balance"), "balance");
        assert_eq!(next_ordering("balance", "balance"), "-balance");
        assert_eq!(next_ordering("-balance", "balance"), "balance");
    }
}
