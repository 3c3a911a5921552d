//! The procurement board: filters on top, a table of procurements, pages at the bottom.

use crate::api::{self, ProcurementPage};
use money::Style;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

const STATUSES: [(&str, &str); 7] = [
    ("", "Все статусы"),
    ("draft", "Черновик"),
    ("active", "Сбор"),
    ("stopped", "Остановлена"),
    ("payment", "Оплата"),
    ("completed", "Завершена"),
    ("cancelled", "Отменена"),
];

fn status_label(status: &str) -> &'static str {
    STATUSES.iter().find(|(s, _)| *s == status).map_or("?", |(_, label)| label)
}

#[function_component(Board)]
pub fn board() -> Html {
    let status = use_state(String::new);
    let search = use_state(String::new);
    let page = use_state(|| 1_i64);
    let data = use_state(|| None::<Result<ProcurementPage, String>>);

    {
        let data = data.clone();
        use_effect_with(((*status).clone(), (*search).clone(), *page), move |(status, search, page)| {
            let (status, search, page) = (status.clone(), search.clone(), *page);
            wasm_bindgen_futures::spawn_local(async move {
                data.set(Some(api::procurements(&status, &search, page).await));
            });
        });
    }

    let on_status = {
        let (status, page) = (status.clone(), page.clone());
        Callback::from(move |e: Event| {
            status.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            page.set(1);
        })
    };
    let on_search = {
        let (search, page) = (search.clone(), page.clone());
        Callback::from(move |e: InputEvent| {
            search.set(e.target_unchecked_into::<HtmlInputElement>().value());
            page.set(1);
        })
    };
    let go = |delta: i64| {
        let page = page.clone();
        Callback::from(move |_| page.set((*page + delta).max(1)))
    };

    let body = match &*data {
        None => html! { <p class="muted">{ "Загрузка…" }</p> },
        Some(Err(error)) => html! { <p class="error">{ format!("Ошибка: {error}") }</p> },
        Some(Ok(list)) => html! {
            <>
            <p class="muted">{ format!("Найдено закупок: {}", list.count) }</p>
            <table>
                <thead><tr>
                    <th>{ "№" }</th><th>{ "Закупка" }</th><th>{ "Организатор" }</th><th>{ "Город" }</th>
                    <th>{ "Статус" }</th><th>{ "Собрано" }</th><th>{ "Цель" }</th><th>{ "%" }</th>
                    <th>{ "Участники" }</th><th>{ "Дней" }</th>
                </tr></thead>
                <tbody>
                { for list.results.iter().map(|p| html! {
                    <tr key={p.id}>
                        <td>{ p.id }</td>
                        <td>{ &p.title }<div class="muted">{ p.category_name.clone().unwrap_or_default() }</div></td>
                        <td>{ &p.organizer_name }</td>
                        <td>{ &p.city }</td>
                        <td><span class={classes!("status", p.status.clone())}>{ status_label(&p.status) }</span></td>
                        <td class="num">{ p.current_amount.grouped(Style::RU_TABLE) }</td>
                        <td class="num">{ p.target_amount.grouped(Style::RU_TABLE) }</td>
                        <td><progress max="100" value={p.progress.to_string()}></progress></td>
                        <td class="num">{ p.participant_count }</td>
                        <td class="num">{ p.days_left }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            <nav>
                <button disabled={list.previous.is_none()} onclick={go(-1)}>{ "← Назад" }</button>
                <span>{ format!("Страница {}", *page) }</span>
                <button disabled={list.next.is_none()} onclick={go(1)}>{ "Вперёд →" }</button>
            </nav>
            </>
        },
    };

    html! {
        <main>
            <h1>{ "GroupBuy — закупки" }</h1>
            <div class="filters">
                <select onchange={on_status}>
                    { for STATUSES.iter().map(|(value, label)| html! {
                        <option value={*value} selected={*status == *value}>{ *label }</option>
                    }) }
                </select>
                <input type="search" placeholder="Поиск по названию, описанию, городу" oninput={on_search} />
            </div>
            { body }
        </main>
    }
}
