//! `#/transactions`: the ledger's movements.

use crate::api::transactions::{self, Transaction};
use crate::components::{DateRange, FilterSelect, List, Screen, TextFilter, options, use_list};
use web_kit::display;
use yew::prelude::*;

const TYPES: [(&str, &str); 6] = [
    ("deposit", "Пополнение"),
    ("withdrawal", "Списание"),
    ("procurement_join", "Оплата закупки"),
    ("procurement_refund", "Возврат"),
    ("transfer", "Перевод"),
    ("bonus", "Бонус"),
];

#[function_component(TransactionsPage)]
pub fn transactions_page() -> Html {
    let list = use_list("-created_at", transactions::list);
    let query = (*list.query).clone();
    html! {
        <Screen name="transactions" title="Операции" busy={list.loading}>
            <div class="filters">
                <FilterSelect name="transaction_type" label="Тип" options={options(&TYPES)} value={query.filter("transaction_type")} on_change={list.on_filter()} />
                <TextFilter name="user" label="Пользователь (№)" kind="number" on_change={list.on_filter()} />
                <TextFilter name="procurement" label="Закупка (№)" kind="number" on_change={list.on_filter()} />
                <DateRange on_change={list.on_filter()} />
            </div>
            { rows(&list) }
        </Screen>
    }
}

fn rows(list: &List<Transaction>) -> Html {
    let sort = |field, label| list.sort(field, label);
    let head = html! {
        <tr>{ sort("id", "№") }<th>{ "Пользователь" }</th><th>{ "Тип" }</th>{ sort("amount", "Сумма") }<th>{ "Баланс после" }</th>
            <th>{ "Закупка" }</th><th>{ "Описание" }</th>{ sort("created_at", "Когда") }</tr>
    };
    let type_label = |t: &str| TYPES.iter().find(|(k, _)| *k == t).map_or(t.to_owned(), |(_, l)| (*l).to_owned());
    list.table("transactions", head, |t| html! {
        <tr key={t.id} data-row-id={t.id.to_string()}>
            <td>{ t.id }</td>
            <td>{ format!("{} (№{})", t.user_name, t.user) }</td>
            <td>{ type_label(&t.transaction_type) }</td>
            <td class={classes!("num", (t.amount.kopecks() < 0).then_some("debit"))}>{ display::money(t.amount) }</td>
            <td class="num">{ display::money(t.balance_after) }</td>
            <td>{ t.procurement_title.clone().or(t.procurement.map(|p| format!("№{p}"))).unwrap_or_default() }</td>
            <td>{ &t.description }</td>
            <td>{ display::date_time(&t.created_at) }</td>
        </tr>
    })
}
