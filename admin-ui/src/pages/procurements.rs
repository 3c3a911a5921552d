//! `#/procurements`: every procurement; status changes through the state machine, featuring,
//! bulk actions.

use crate::api::procurements::{self, Participant, Procurement, STATUSES, status_label};
use crate::components::{
    BulkBar, FilterSelect, List, Outcome, Screen, SearchBox, Selection, Shown, TextFilter, options, run, use_list,
    use_selection,
};
use crate::pages::users::yes_no;
use web_kit::components::{Alert, TableFrame};
use web_kit::display;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

const YES_NO: [(&str, &str); 2] = [("true", "Да"), ("false", "Нет")];

fn bulk_actions() -> Vec<(AttrValue, AttrValue)> {
    let mut actions = options(&[("feature", "В избранное"), ("unfeature", "Убрать из избранного")]);
    actions.extend(STATUSES.iter().map(|(s, l)| (AttrValue::Static(s), AttrValue::from(format!("Статус: {l}")))));
    actions
}

#[function_component(ProcurementsPage)]
pub fn procurements_page() -> Html {
    let list = use_list("-created_at", procurements::list);
    let selection = use_selection();
    let shown = use_state(|| None);
    let query = (*list.query).clone();
    let on_bulk = {
        let (shown, reload, selection) = (shown.clone(), list.reload.clone(), selection.clone());
        Callback::from(move |(ids, action): (Vec<i64>, String)| {
            let selection = selection.clone();
            run(
                shown.clone(),
                async move { procurements::bulk_action(&ids, &action).await },
                move |a| {
                    selection.clear();
                    let failed: Vec<String> = a.failed.iter().map(|f| format!("№{}: {}", f.id, f.error)).collect();
                    if failed.is_empty() {
                        format!("Изменено закупок: {}", a.affected)
                    } else {
                        format!("Изменено закупок: {}; не изменены: {}", a.affected, failed.join("; "))
                    }
                },
                reload.clone(),
            );
        })
    };
    let statuses = options(&STATUSES);
    let shown_participants = use_state(|| None::<i64>);
    html! {
        <Screen name="procurements" title="Закупки" busy={list.loading}>
            <div class="filters">
                <SearchBox on_search={list.on_search()} label="Поиск: название, описание, организатор" />
                <FilterSelect name="status" label="Статус" options={statuses} value={query.filter("status")} on_change={list.on_filter()} />
                <FilterSelect name="is_featured" label="Избранная" options={options(&YES_NO)} value={query.filter("is_featured")} on_change={list.on_filter()} />
                <TextFilter name="city" label="Город" on_change={list.on_filter()} />
                <TextFilter name="organizer" label="Организатор (№)" kind="number" on_change={list.on_filter()} />
                <TextFilter name="category" label="Категория (№)" kind="number" on_change={list.on_filter()} />
            </div>
            <BulkBar selection={selection.clone()} actions={bulk_actions()} on_apply={on_bulk} />
            <Outcome shown={(*shown).clone()} />
            if let Some(id) = *shown_participants {
                <Participants key={id} {id} on_close={close_participants(&shown_participants)} />
            }
            { rows(&list, &selection, &shown, &shown_participants) }
        </Screen>
    }
}

fn rows(
    list: &List<Procurement>,
    selection: &Selection,
    shown: &Shown,
    participants: &UseStateHandle<Option<i64>>,
) -> Html {
    let sort = |field, label| list.sort(field, label);
    let head = html! {
        <tr>
            <th><span class="sr-only">{ "Выбор" }</span></th>
            { sort("id", "№") }{ sort("title", "Закупка") }<th>{ "Организатор" }</th><th>{ "Город" }</th><th>{ "Статус" }</th><th>{ "Действия" }</th>
            { sort("current_amount", "Собрано") }{ sort("target_amount", "Цель") }<th>{ "Участники / оплатили" }</th>
            <th>{ "Избранная" }</th>{ sort("deadline", "Срок") }{ sort("created_at", "Создана") }
        </tr>
    };
    let toggle_featured = |id: i64| {
        let (shown, reload) = (shown.clone(), list.reload.clone());
        Callback::from(move |_: MouseEvent| {
            run(
                shown.clone(),
                procurements::toggle_featured(id),
                move |f| format!("Закупка {id}: {}", if f.is_featured { "в избранном" } else { "не в избранном" }),
                reload.clone(),
            )
        })
    };
    let show_participants = |id: i64| {
        let participants = participants.clone();
        Callback::from(move |_: MouseEvent| participants.set(Some(id)))
    };
    let change_status = |id: i64| {
        let (shown, reload) = (shown.clone(), list.reload.clone());
        Callback::from(move |status: String| {
            run(
                shown.clone(),
                async move { procurements::update_status(id, &status).await },
                move |c| format!("Закупка {id}: {} → {}", status_label(&c.old_status), status_label(&c.new_status)),
                reload.clone(),
            )
        })
    };
    list.table("procurements", head, |p| html! {
        <tr key={p.id} data-row-id={p.id.to_string()}>
            <td>{ selection.checkbox(p.id) }</td>
            <td>{ p.id }</td>
            <td>{ &p.title }<div class="muted">{ p.category_name.clone().unwrap_or_default() }</div></td>
            <td>{ &p.organizer_name }</td>
            <td>{ &p.city }</td>
            <td data-field="status"><span class={classes!("status", p.status.clone())}>{ status_label(&p.status) }</span></td>
            <td class="actions">
                <StatusChanger id={p.id} current={p.status.clone()} allowed={p.allowed_statuses.clone()} on_change={change_status(p.id)} />
                <button type="button" data-action="participants" onclick={show_participants(p.id)}>{ "Участники" }</button>
                <button type="button" data-action="toggle_featured" onclick={toggle_featured(p.id)}>
                    { if p.is_featured { "Убрать из избранного" } else { "В избранное" } }
                </button>
            </td>
            <td class="num">{ display::money(p.current_amount) }</td>
            <td class="num">{ display::money(p.target_amount) }</td>
            <td class="num">{ format!("{} / {}", p.participant_count, p.paid_count) }</td>
            <td data-field="is_featured">{ yes_no(p.is_featured) }</td>
            <td>{ display::date_time(&p.deadline) }</td>
            <td>{ display::date_time(&p.created_at) }</td>
        </tr>
    })
}

#[derive(Properties, PartialEq)]
struct StatusChangerProps {
    id: i64,
    current: String,
    /// The next states the machine allows, when the server lists them; else every other state
    /// is offered and the server refuses illegal jumps with a 409.
    allowed: Vec<String>,
    on_change: Callback<String>,
}

#[function_component(StatusChanger)]
fn status_changer(props: &StatusChangerProps) -> Html {
    let choices: Vec<&str> = if props.allowed.is_empty() {
        STATUSES.iter().map(|(s, _)| *s).filter(|s| *s != props.current).collect()
    } else {
        props.allowed.iter().map(String::as_str).collect()
    };
    let picked = use_state(|| choices.first().map(|s| s.to_string()).unwrap_or_default());
    let onchange = {
        let picked = picked.clone();
        Callback::from(move |e: Event| picked.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    // After a change the old pick may be the current state: fall back to the first choice.
    let effective = if choices.contains(&picked.as_str()) {
        (*picked).clone()
    } else {
        choices.first().map(|s| s.to_string()).unwrap_or_default()
    };
    let onclick = {
        let (effective, on_change) = (effective.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| on_change.emit(effective.clone()))
    };
    html! {
        <span class="status-change">
            <select name="new_status" aria-label={format!("Новый статус закупки {}", props.id)} {onchange}>
                { for choices.iter().map(|s| html! { <option value={s.to_string()} selected={*s == effective}>{ status_label(s) }</option> }) }
            </select>
            <button type="button" data-action="update_status" disabled={choices.is_empty()} {onclick}>{ "Сменить статус" }</button>
        </span>
    }
}

fn close_participants(shown: &UseStateHandle<Option<i64>>) -> Callback<()> {
    let shown = shown.clone();
    Callback::from(move |()| shown.set(None))
}

#[derive(Properties, PartialEq)]
struct ParticipantsProps {
    id: i64,
    on_close: Callback<()>,
}

/// The orders in one procurement, as its organizer sees them.
#[function_component(Participants)]
fn participants(props: &ParticipantsProps) -> Html {
    let data = use_state(|| None::<Result<Vec<Participant>, web_kit::ApiError>>);
    {
        let (data, id) = (data.clone(), props.id);
        use_effect_with(id, move |_| {
            wasm_bindgen_futures::spawn_local(async move { data.set(Some(procurements::participants(id).await)) });
        });
    }
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let head = html! { <tr><th>{ "№" }</th><th>{ "Участник" }</th><th>{ "Количество" }</th><th>{ "Сумма" }</th><th>{ "Статус" }</th><th>{ "С" }</th></tr> };
    html! {
        <section class="panel" data-panel="participants" aria-busy={data.is_none().then_some("true")}>
            <h2>{ format!("Участники закупки {}", props.id) }</h2>
            {
                match &*data {
                    None => html! {},
                    Some(Err(error)) => html! { <Alert error={error.clone()} /> },
                    Some(Ok(list)) if list.is_empty() => html! { <p class="muted">{ "Пока никого." }</p> },
                    Some(Ok(list)) => html! {
                        <TableFrame name="participants" {head}>
                            { for list.iter().map(|p| html! {
                                <tr data-row-id={p.id.to_string()}>
                                    <td>{ p.id }</td>
                                    <td>{ format!("{} (№{})", p.user_name, p.user) }</td>
                                    <td class="num">{ &p.quantity }</td>
                                    <td class="num">{ display::money(p.amount) }</td>
                                    <td>{ if p.status_display.is_empty() { &p.status } else { &p.status_display } }</td>
                                    <td>{ display::date_time(&p.created_at) }</td>
                                </tr>
                            }) }
                        </TableFrame>
                    },
                }
            }
            <button type="button" data-action="close" onclick={close}>{ "Закрыть" }</button>
        </section>
    }
}
