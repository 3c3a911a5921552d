//! `#/broadcasts`: every broadcast, newest first, with its delivery counts.

use crate::api::broadcasts::{self, Broadcast};
use crate::components::{List, Screen, use_list};
use web_kit::display;
use yew::prelude::*;

#[function_component(BroadcastsPage)]
pub fn broadcasts_page() -> Html {
    // The history has one order, newest first: no `ordering` is sent.
    let list = use_list("", broadcasts::list);
    html! {
        <Screen name="broadcasts" title="Рассылки" busy={list.loading}>
            { rows(&list) }
        </Screen>
    }
}

fn rows(list: &List<Broadcast>) -> Html {
    let head = html! {
        <tr><th>{ "№" }</th><th>{ "Текст" }</th><th>{ "Статус" }</th><th>{ "Получателей" }</th><th>{ "Отправлено" }</th>
            <th>{ "Ошибок" }</th><th>{ "Ждут" }</th><th>{ "Создана" }</th><th>{ "Завершена" }</th></tr>
    };
    list.table("broadcasts", head, |b| {
        html! {
            <tr key={b.id} data-row-id={b.id.to_string()}>
                <td>{ b.id }</td>
                <td class="text">{ &b.text }</td>
                <td data-field="status">{ &b.status }</td>
                <td class="num">{ b.targets }</td>
                <td class="num">{ b.sent }</td>
                <td class="num">{ b.failed }</td>
                <td class="num">{ b.pending + b.sending }</td>
                <td>{ display::date_time(&b.created_at) }</td>
                <td>{ b.finished_at.as_deref().map(display::date_time).unwrap_or_default() }</td>
            </tr>
        }
    })
}
