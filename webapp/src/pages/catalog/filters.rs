//! The catalog's filters: category, city, status and order, each a server query.

use crate::api::categories::Category;
use crate::api::procurements::{Filter, Status};
use crate::components::status_name;
use crate::i18n::use_lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FiltersProps {
    pub filter: Filter,
    pub categories: Vec<Category>,
    pub on_change: Callback<Filter>,
}

#[function_component(Filters)]
pub fn filters(props: &FiltersProps) -> Html {
    let lang = use_lang();
    let select = |apply: fn(&mut Filter, String)| {
        let (filter, on_change) = (props.filter.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let mut next = filter.clone();
            apply(&mut next, e.target_unchecked_into::<HtmlSelectElement>().value());
            next.page = 1;
            on_change.emit(next);
        })
    };
    let city = {
        let (filter, on_change) = (props.filter.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if value.trim() != filter.city.trim() {
                on_change.emit(Filter { city: value, page: 1, ..filter.clone() });
            }
        })
    };
    let f = &props.filter;
    let orderings = [
        ("", lang.pick("Сначала новые", "Newest first")),
        ("deadline", lang.pick("Скоро закроются", "Closing soon")),
        ("-current_amount", lang.pick("Больше собрано", "Most collected")),
        ("-participant_count", lang.pick("Больше участников", "Most people")),
        ("target_amount", lang.pick("Меньше цель", "Smallest target")),
        ("title", lang.pick("По названию", "By title")),
    ];
    html! {
        <div class="filters">
            <label class="field">{ lang.pick("Категория", "Category") }
                <select name="category" onchange={select(|f, v| f.category = v)}>
                    <option value="" selected={f.category.is_empty()}>{ lang.pick("Все", "All") }</option>
                    { for props.categories.iter().map(|c| {
                        let id = c.id.to_string();
                        html! { <option value={id.clone()} selected={f.category == id}>{ format!("{} {}", c.icon, c.name).trim().to_string() }</option> }
                    }) }
                </select>
            </label>
            <label class="field">{ lang.pick("Город", "City") }
                <input name="city" type="text" value={f.city.clone()} onchange={city} autocomplete="address-level2" />
            </label>
            <label class="field">{ lang.pick("Статус", "Status") }
                <select name="status" onchange={select(|f, v| f.status = v)}>
                    <option value="" selected={f.status.is_empty()}>{ lang.pick("Любой", "Any") }</option>
                    { for Status::ALL.into_iter().filter(|s| *s != Status::Draft).map(|s| html! {
                        <option value={s.code()} selected={f.status == s.code()}>{ status_name(lang, s) }</option>
                    }) }
                </select>
            </label>
            <label class="field">{ lang.pick("Порядок", "Order") }
                <select name="ordering" onchange={select(|f, v| f.ordering = v)}>
                    { for orderings.into_iter().map(|(code, text)| html! {
                        <option value={code} selected={f.ordering == code}>{ text }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
