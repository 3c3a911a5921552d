//! `#/messages`: chat messages across procurements; staff hide and restore them.

use crate::api::messages::{self, Message};
use crate::components::{FilterSelect, List, Outcome, Screen, SearchBox, Shown, TextFilter, options, run, use_list};
use crate::pages::users::yes_no;
use web_kit::display;
use yew::prelude::*;

const YES_NO: [(&str, &str); 2] = [("true", "Да"), ("false", "Нет")];

#[function_component(MessagesPage)]
pub fn messages_page() -> Html {
    let list = use_list("-created_at", messages::list);
    let shown = use_state(|| None);
    let query = (*list.query).clone();
    html! {
        <Screen name="messages" title="Сообщения" busy={list.loading}>
            <div class="filters">
                <SearchBox on_search={list.on_search()} label="Поиск по тексту" />
                <FilterSelect name="is_deleted" label="Удалено" options={options(&YES_NO)} value={query.filter("is_deleted")} on_change={list.on_filter()} />
                <TextFilter name="procurement" label="Закупка (№)" kind="number" on_change={list.on_filter()} />
                <TextFilter name="user" label="Автор (№)" kind="number" on_change={list.on_filter()} />
            </div>
            <Outcome shown={(*shown).clone()} />
            { rows(&list, &shown) }
        </Screen>
    }
}

fn rows(list: &List<Message>, shown: &Shown) -> Html {
    let sort = |field, label| list.sort(field, label);
    let head = html! {
        <tr>{ sort("id", "№") }<th>{ "Закупка" }</th><th>{ "Автор" }</th><th>{ "Текст" }</th><th>{ "Удалено" }</th>
            { sort("created_at", "Когда") }<th>{ "Действия" }</th></tr>
    };
    let toggle = |id: i64| {
        let (shown, reload) = (shown.clone(), list.reload.clone());
        Callback::from(move |_: MouseEvent| {
            run(
                shown.clone(),
                messages::toggle_delete(id),
                move |f| format!("Сообщение {id}: {}", if f.is_deleted { "скрыто" } else { "восстановлено" }),
                reload.clone(),
            )
        })
    };
    list.table("messages", head, |m| {
        html! {
            <tr key={m.id} data-row-id={m.id.to_string()} class={classes!(m.is_deleted.then_some("deleted"))}>
                <td>{ m.id }</td>
                <td>{ format!("{} (№{})", m.procurement_title, m.procurement) }</td>
                <td>{ &m.user_name }</td>
                <td class="text">{ &m.text }</td>
                <td data-field="is_deleted">{ yes_no(m.is_deleted) }</td>
                <td title={m.created_at.clone()}>{ display::relative(&m.created_at) }</td>
                <td class="actions">
                    <button type="button" data-action="toggle_delete" onclick={toggle(m.id)}>
                        { if m.is_deleted { "Восстановить" } else { "Скрыть" } }
                    </button>
                </td>
            </tr>
        }
    })
}
