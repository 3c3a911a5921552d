//! `#/audit`: who changed what, before and after, newest first.

use crate::api::audit::{self, Entry};
use crate::components::{DateRange, List, Screen, TextFilter, use_list};
use web_kit::display;
use yew::prelude::*;

#[function_component(AuditPage)]
pub fn audit_page() -> Html {
    let list = use_list("", audit::list);
    html! {
        <Screen name="audit" title="Журнал действий" busy={list.loading}>
            <div class="filters">
                <TextFilter name="action" label="Действие (user.toggle_active…)" on_change={list.on_filter()} />
                <TextFilter name="entity" label="Объект (user, procurement…)" on_change={list.on_filter()} />
                <TextFilter name="entity_id" label="№ объекта" on_change={list.on_filter()} />
                <TextFilter name="staff" label="Сотрудник (№)" kind="number" on_change={list.on_filter()} />
                <DateRange on_change={list.on_filter()} />
            </div>
            { rows(&list) }
        </Screen>
    }
}

/// A JSON value as one short line: `null` as nothing, a string without its quotes.
fn snapshot(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn rows(list: &List<Entry>) -> Html {
    let head = html! {
        <tr><th>{ "Когда" }</th><th>{ "Кто" }</th><th>{ "Действие" }</th><th>{ "Объект" }</th><th>{ "До" }</th><th>{ "После" }</th></tr>
    };
    list.table("audit", head, |e| {
        html! {
            <tr key={e.id} data-row-id={e.id.to_string()}>
                <td>{ display::date_time(&e.created_at) }</td>
                <td>{ e.staff_username.clone().unwrap_or_else(|| e.actor.clone()) }</td>
                <td data-field="action"><code>{ &e.action }</code></td>
                <td>{ format!("{} {}", e.entity, e.entity_id.as_ref().map(snapshot).unwrap_or_default()) }</td>
                <td class="text"><code>{ snapshot(&e.before) }</code></td>
                <td class="text"><code>{ snapshot(&e.after) }</code></td>
            </tr>
        }
    })
}
