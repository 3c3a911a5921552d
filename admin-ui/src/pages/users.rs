//! `#/users`: people with their roles, balances and flags; toggles, balance changes through the
//! ledger, bulk actions.

use crate::api::users::{self, User};
use crate::components::{
    BulkBar, FilterSelect, List, Outcome, Screen, SearchBox, Selection, options, run, use_list, use_selection,
};
use web_kit::display;
use web_sys::HtmlInputElement;
use yew::prelude::*;

const ROLES: [(&str, &str); 3] = [("buyer", "Покупатель"), ("organizer", "Организатор"), ("supplier", "Поставщик")];
const PLATFORMS: [(&str, &str); 4] =
    [("telegram", "Telegram"), ("vk", "VK"), ("whatsapp", "WhatsApp"), ("websocket", "Веб")];
const YES_NO: [(&str, &str); 2] = [("true", "Да"), ("false", "Нет")];
const BULK: [(&str, &str); 4] = [
    ("activate", "Активировать"),
    ("deactivate", "Заблокировать"),
    ("verify", "Подтвердить"),
    ("unverify", "Снять подтверждение"),
];

#[function_component(UsersPage)]
pub fn users_page() -> Html {
    let list = use_list("-created_at", users::list);
    let selection = use_selection();
    let shown = use_state(|| None);
    let balance_for = use_state(|| None::<i64>);
    let query = (*list.query).clone();
    let on_bulk = {
        let (shown, reload, selection) = (shown.clone(), list.reload.clone(), selection.clone());
        Callback::from(move |(ids, action): (Vec<i64>, String)| {
            let selection = selection.clone();
            let after = reload.clone();
            run(
                shown.clone(),
                async move { users::bulk_action(&ids, &action).await },
                move |a| {
                    selection.clear();
                    format!("Изменено пользователей: {}", a.affected)
                },
                after,
            );
        })
    };
    let sort = |field, label| list.sort(field, label);
    let head = html! {
        <tr>
            <th><span class="sr-only">{ "Выбор" }</span></th>
            { sort("id", "№") }{ sort("first_name", "Имя") }<th>{ "Действия" }</th><th>{ "Роль" }</th><th>{ "Платформа" }</th>
            { sort("balance", "Баланс") }{ sort("total_spent", "Потрачено") }<th>{ "Участий" }</th><th>{ "Организовал" }</th>
            <th>{ "Активен" }</th><th>{ "Подтверждён" }</th>{ sort("created_at", "Создан") }
        </tr>
    };
    html! {
        <Screen name="users" title="Пользователи" busy={list.loading}>
            <div class="filters">
                <SearchBox on_search={list.on_search()} label="Поиск: имя, логин, почта, телефон" />
                <FilterSelect name="role" label="Роль" options={options(&ROLES)} value={query.filter("role")} on_change={list.on_filter()} />
                <FilterSelect name="platform" label="Платформа" options={options(&PLATFORMS)} value={query.filter("platform")} on_change={list.on_filter()} />
                <FilterSelect name="is_active" label="Активен" options={options(&YES_NO)} value={query.filter("is_active")} on_change={list.on_filter()} />
                <FilterSelect name="is_verified" label="Подтверждён" options={options(&YES_NO)} value={query.filter("is_verified")} on_change={list.on_filter()} />
            </div>
            <BulkBar selection={selection.clone()} actions={options(&BULK)} on_apply={on_bulk} />
            <Outcome shown={(*shown).clone()} />
            if let Some(id) = *balance_for {
                <BalanceForm {id} shown={shown.clone()} on_done={close_balance(&balance_for, &list)} />
            }
            { rows(&list, head, &selection, &shown, &balance_for) }
        </Screen>
    }
}

fn close_balance(balance_for: &UseStateHandle<Option<i64>>, list: &List<User>) -> Callback<bool> {
    let (balance_for, reload) = (balance_for.clone(), list.reload.clone());
    Callback::from(move |changed: bool| {
        balance_for.set(None);
        if changed {
            reload.emit(());
        }
    })
}

fn rows(
    list: &List<User>,
    head: Html,
    selection: &Selection,
    shown: &UseStateHandle<Option<Result<String, web_kit::ApiError>>>,
    balance_for: &UseStateHandle<Option<i64>>,
) -> Html {
    let action = |id: i64, name: &'static str, label: &'static str| {
        let (shown, reload, balance_for) = (shown.clone(), list.reload.clone(), balance_for.clone());
        let onclick = Callback::from(move |_: MouseEvent| match name {
            "toggle_active" => run(
                shown.clone(),
                users::toggle_active(id),
                move |f| format!("Пользователь {id}: {}", if f.is_active { "активен" } else { "заблокирован" }),
                reload.clone(),
            ),
            "toggle_verified" => run(
                shown.clone(),
                users::toggle_verified(id),
                move |f| format!("Пользователь {id}: {}", if f.is_verified { "подтверждён" } else { "не подтверждён" }),
                reload.clone(),
            ),
            _ => balance_for.set(Some(id)),
        });
        html! { <button type="button" data-action={name} {onclick}>{ label }</button> }
    };
    list.table("users", head, |u| html! {
        <tr key={u.id} data-row-id={u.id.to_string()} data-staff={u.is_staff.to_string()}>
            <td>{ selection.checkbox(u.id) }</td>
            <td>{ u.id }</td>
            <td>{ display_name(u) }<div class="muted">{ &u.email }{ " " }{ &u.phone }</div></td>
            <td class="actions">
                { action(u.id, "toggle_active", if u.is_active { "Заблокировать" } else { "Активировать" }) }
                { action(u.id, "toggle_verified", if u.is_verified { "Снять подтверждение" } else { "Подтвердить" }) }
                { action(u.id, "update_balance", "Баланс…") }
            </td>
            <td>{ ROLES.iter().find(|(r, _)| *r == u.role).map_or(u.role.as_str(), |(_, l)| l) }</td>
            <td>{ u.platform.clone().unwrap_or_default() }</td>
            <td class="num">{ display::money(u.balance) }</td>
            <td class="num">{ display::money(u.total_spent) }</td>
            <td class="num">{ u.participations_count }</td>
            <td class="num">{ u.organized_count }</td>
            <td data-field="is_active">{ yes_no(u.is_active) }</td>
            <td data-field="is_verified">{ yes_no(u.is_verified) }</td>
            <td title={u.created_at.clone()}>{ display::date_time(&u.created_at) }</td>
        </tr>
    })
}

fn display_name(u: &User) -> String {
    let name = if u.full_name.is_empty() { format!("{} {}", u.first_name, u.last_name) } else { u.full_name.clone() };
    if u.username.is_empty() { name } else { format!("{} (@{})", name.trim(), u.username) }
}

pub fn yes_no(flag: bool) -> &'static str {
    if flag { "да" } else { "нет" }
}

#[derive(Properties, PartialEq)]
struct BalanceFormProps {
    id: i64,
    shown: UseStateHandle<Option<Result<String, web_kit::ApiError>>>,
    /// `true` when the balance changed.
    on_done: Callback<bool>,
}

/// A credit (`500.00`) or a debit (`-200.00`) through the ledger, with a reason.
#[function_component(BalanceForm)]
fn balance_form(props: &BalanceFormProps) -> Html {
    let amount = use_node_ref();
    let description = use_node_ref();
    let onsubmit = {
        let (amount, description, shown, on_done, id) =
            (amount.clone(), description.clone(), props.shown.clone(), props.on_done.clone(), props.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let (amount, description) = (value(&amount).trim().replace(',', "."), value(&description));
            let (shown, on_done) = (shown.clone(), on_done.clone());
            run(
                shown,
                async move { users::update_balance(id, &amount, &description).await },
                move |c| format!("Баланс {id}: {} → {}", display::money(c.old_balance), display::money(c.new_balance)),
                Callback::from(move |()| on_done.emit(true)),
            );
        })
    };
    let cancel = {
        let on_done = props.on_done.clone();
        Callback::from(move |_: MouseEvent| on_done.emit(false))
    };
    html! {
        <form class="inline-form" data-form="update_balance" {onsubmit}>
            <strong>{ format!("Баланс пользователя {}", props.id) }</strong>
            <label class="field"><span>{ "Сумма (например 500.00 или -200.00)" }</span>
                <input name="amount" ref={amount} required=true inputmode="decimal" /></label>
            <label class="field"><span>{ "Причина" }</span><input name="description" ref={description} /></label>
            <button type="submit">{ "Изменить баланс" }</button>
            <button type="button" onclick={cancel}>{ "Отмена" }</button>
        </form>
    }
}
