//! `#/payments`: payments with their summary under the same filters.

use crate::api::payments::{self, Payment, Summary};
use crate::components::{DateRange, FilterSelect, List, Screen, SearchBox, TextFilter, options, use_list};
use web_kit::ApiError;
use web_kit::components::Alert;
use web_kit::display;
use yew::prelude::*;

const STATUSES: [(&str, &str); 6] = [
    ("pending", "Ожидает"),
    ("waiting_for_capture", "В эскроу"),
    ("succeeded", "Проведён"),
    ("cancelled", "Отменён"),
    ("refunded", "Возвращён"),
    ("failed", "Ошибка"),
];
const TYPES: [(&str, &str); 3] =
    [("deposit", "Пополнение"), ("procurement_payment", "Оплата закупки"), ("withdrawal", "Вывод")];

#[function_component(PaymentsPage)]
pub fn payments_page() -> Html {
    let list = use_list("-created_at", payments::list);
    let summary = use_state(|| None::<Result<Summary, ApiError>>);
    let query = (*list.query).clone();
    {
        let summary = summary.clone();
        use_effect_with(query.clone(), move |query| {
            let params = query.params();
            wasm_bindgen_futures::spawn_local(async move { summary.set(Some(payments::summary(params).await)) });
        });
    }
    html! {
        <Screen name="payments" title="Платежи" busy={list.loading}>
            <div class="filters">
                <SearchBox on_search={list.on_search()} label="Поиск: внешний №, описание, имя" />
                <FilterSelect name="status" label="Статус" options={options(&STATUSES)} value={query.filter("status")} on_change={list.on_filter()} />
                <FilterSelect name="payment_type" label="Тип" options={options(&TYPES)} value={query.filter("payment_type")} on_change={list.on_filter()} />
                <TextFilter name="user" label="Пользователь (№)" kind="number" on_change={list.on_filter()} />
                <DateRange on_change={list.on_filter()} />
            </div>
            { summary_view(&summary) }
            { rows(&list) }
        </Screen>
    }
}

fn summary_view(summary: &Option<Result<Summary, ApiError>>) -> Html {
    match summary {
        None => html! {},
        Some(Err(error)) => html! { <Alert error={error.clone()} /> },
        Some(Ok(s)) => html! {
            <section class="cards" data-summary="payments" aria-label="Итоги">
                <div class="card"><div class="label">{ "Платежей" }</div><div class="value">{ s.total_count }</div>
                    <div class="muted">{ display::money(s.total_amount) }</div></div>
                { for s.by_status.iter().map(|(status, b)| html! {
                    <div class="card"><div class="label">{ label(&STATUSES, status) }</div><div class="value">{ b.count }</div>
                        <div class="muted">{ display::money(b.total) }</div></div>
                }) }
            </section>
        },
    }
}

fn label<'a>(pairs: &[(&str, &'a str)], key: &'a str) -> &'a str {
    pairs.iter().find(|(k, _)| *k == key).map_or(key, |(_, l)| l)
}

fn rows(list: &List<Payment>) -> Html {
    let sort = |field, label| list.sort(field, label);
    let head = html! {
        <tr>{ sort("id", "№") }<th>{ "Пользователь" }</th><th>{ "Тип" }</th>{ sort("amount", "Сумма") }<th>{ "Статус" }</th>
            <th>{ "Описание" }</th><th>{ "Внешний №" }</th>{ sort("created_at", "Создан") }<th>{ "Оплачен" }</th></tr>
    };
    list.table("payments", head, |p| {
        html! {
            <tr key={p.id} data-row-id={p.id.to_string()}>
                <td>{ p.id }</td>
                <td>{ format!("{} (№{})", p.user_name, p.user) }</td>
                <td>{ label(&TYPES, &p.payment_type) }</td>
                <td class="num">{ display::money(p.amount) }</td>
                <td data-field="status">{ label(&STATUSES, &p.status) }</td>
                <td>{ &p.description }</td>
                <td>{ p.external_id.clone().unwrap_or_default() }</td>
                <td>{ display::date_time(&p.created_at) }</td>
                <td>{ p.paid_at.as_deref().map(display::date_time).unwrap_or_default() }</td>
            </tr>
        }
    })
}
