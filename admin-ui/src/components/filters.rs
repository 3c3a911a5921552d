//! The controls above a list: a debounced search box, select filters, free-text filters.

use gloo_timers::callback::Timeout;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Quiet time after the last keystroke before the search is sent.
const DEBOUNCE_MS: u32 = 300;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    pub on_search: Callback<String>,
    #[prop_or(AttrValue::Static("Поиск"))]
    pub label: AttrValue,
}

/// `input[name=search]`: sends its text once typing pauses.
#[function_component(SearchBox)]
pub fn search_box(props: &SearchBoxProps) -> Html {
    let pending = use_mut_ref(|| None::<Timeout>);
    let oninput = {
        let on_search = props.on_search.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            let on_search = on_search.clone();
            // Replacing the timeout drops, and so cancels, the one before.
            *pending.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || on_search.emit(text)));
        })
    };
    html! {
        <label class="field">
            <span>{ props.label.clone() }</span>
            <input type="search" name="search" {oninput} autocomplete="off" />
        </label>
    }
}

#[derive(Properties, PartialEq)]
pub struct FilterSelectProps {
    pub name: AttrValue,
    pub label: AttrValue,
    /// `(value, label)`; an "all" choice with the empty value comes first.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub value: AttrValue,
    pub on_change: Callback<(String, String)>,
}

/// `select[name=<filter>]`.
#[function_component(FilterSelect)]
pub fn filter_select(props: &FilterSelectProps) -> Html {
    let onchange = {
        let (on_change, name) = (props.on_change.clone(), props.name.to_string());
        Callback::from(move |e: Event| {
            on_change.emit((name.clone(), e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    html! {
        <label class="field">
            <span>{ props.label.clone() }</span>
            <select name={props.name.clone()} {onchange}>
                <option value="" selected={props.value.is_empty()}>{ "Все" }</option>
                { for props.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == props.value}>{ label.clone() }</option>
                }) }
            </select>
        </label>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFilterProps {
    pub name: AttrValue,
    pub label: AttrValue,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    pub on_change: Callback<(String, String)>,
}

/// `input[name=<filter>]` sent when it changes (Enter or leaving the field): ids and dates.
#[function_component(TextFilter)]
pub fn text_filter(props: &TextFilterProps) -> Html {
    let onchange = {
        let (on_change, name) = (props.on_change.clone(), props.name.to_string());
        Callback::from(move |e: Event| {
            on_change.emit((name.clone(), e.target_unchecked_into::<HtmlInputElement>().value().trim().to_owned()))
        })
    };
    html! {
        <label class="field">
            <span>{ props.label.clone() }</span>
            <input type={props.kind.clone()} name={props.name.clone()} {onchange} />
        </label>
    }
}

/// Options from `(value, label)` pairs.
pub fn options(pairs: &[(&'static str, &'static str)]) -> Vec<(AttrValue, AttrValue)> {
    pairs.iter().map(|(v, l)| (AttrValue::Static(v), AttrValue::Static(l))).collect()
}

#[derive(Properties, PartialEq)]
pub struct DateRangeProps {
    pub on_change: Callback<(String, String)>,
}

/// `input[name=date_from]` and `input[name=date_to]`, the API's date filters.
#[function_component(DateRange)]
pub fn date_range(props: &DateRangeProps) -> Html {
    html! {
        <>
            <TextFilter name="date_from" label="С даты" kind="date" on_change={props.on_change.clone()} />
            <TextFilter name="date_to" label="По дату" kind="date" on_change={props.on_change.clone()} />
        </>
    }
}
