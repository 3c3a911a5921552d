//! `#/notifications`: notifications sent to people, and the form that sends one to many.

use crate::api::notifications::{self, BulkNotification, Notification};
use crate::components::{FilterSelect, List, Outcome, Screen, Shown, TextFilter, options, run, use_list};
use crate::pages::users::yes_no;
use web_kit::display;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

const TYPES: [(&str, &str); 6] = [
    ("system", "Системное"),
    ("procurement_update", "Закупка"),
    ("payment_required", "Нужна оплата"),
    ("payment_received", "Оплата получена"),
    ("procurement_completed", "Закупка завершена"),
    ("new_message", "Новое сообщение"),
];
const YES_NO: [(&str, &str); 2] = [("true", "Да"), ("false", "Нет")];

#[function_component(NotificationsPage)]
pub fn notifications_page() -> Html {
    let list = use_list("-created_at", notifications::list);
    let shown = use_state(|| None);
    let query = (*list.query).clone();
    html! {
        <Screen name="notifications" title="Уведомления" busy={list.loading}>
            <BulkForm shown={shown.clone()} on_sent={list.reload.clone()} />
            <Outcome shown={(*shown).clone()} />
            <div class="filters">
                <FilterSelect name="notification_type" label="Тип" options={options(&TYPES)} value={query.filter("notification_type")} on_change={list.on_filter()} />
                <FilterSelect name="is_read" label="Прочитано" options={options(&YES_NO)} value={query.filter("is_read")} on_change={list.on_filter()} />
                <TextFilter name="user" label="Пользователь (№)" kind="number" on_change={list.on_filter()} />
            </div>
            { rows(&list) }
        </Screen>
    }
}

fn rows(list: &List<Notification>) -> Html {
    let sort = |field, label| list.sort(field, label);
    let head = html! {
        <tr>{ sort("id", "№") }<th>{ "Кому" }</th><th>{ "Тип" }</th><th>{ "Заголовок" }</th><th>{ "Текст" }</th>
            <th>{ "Прочитано" }</th>{ sort("created_at", "Когда") }</tr>
    };
    let type_label = |t: &str| TYPES.iter().find(|(k, _)| *k == t).map_or(t.to_owned(), |(_, l)| (*l).to_owned());
    list.table("notifications", head, |n| {
        html! {
            <tr key={n.id} data-row-id={n.id.to_string()}>
                <td>{ n.id }</td>
                <td>{ format!("№{}", n.user) }</td>
                <td>{ type_label(&n.notification_type) }</td>
                <td>{ &n.title }</td>
                <td class="text">{ &n.message }</td>
                <td>{ yes_no(n.is_read) }</td>
                <td>{ display::date_time(&n.created_at) }</td>
            </tr>
        }
    })
}

/// `"1, 2 3"` → `[1, 2, 3]`; blank → `None` (every active person); a non-number → `Err`.
pub fn parse_ids(text: &str) -> Result<Option<Vec<i64>>, String> {
    let ids: Result<Vec<i64>, String> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse::<i64>().map_err(|_| format!("«{part}» is not a user id")))
        .collect();
    ids.map(|ids| (!ids.is_empty()).then_some(ids))
}

#[derive(Properties, PartialEq)]
struct BulkFormProps {
    shown: Shown,
    on_sent: Callback<()>,
}

#[function_component(BulkForm)]
fn bulk_form(props: &BulkFormProps) -> Html {
    let (title, message, user_ids, kind) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let onsubmit = {
        let (title, message, user_ids, kind) = (title.clone(), message.clone(), user_ids.clone(), kind.clone());
        let (shown, on_sent) = (props.shown.clone(), props.on_sent.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let ids = match parse_ids(&input(&user_ids)) {
                Ok(ids) => ids,
                Err(error) => {
                    shown.set(Some(Err(web_kit::ApiError { status: 0, error, code: "validation_error".into() })));
                    return;
                }
            };
            let notification = BulkNotification {
                user_ids: ids,
                notification_type: kind
                    .cast::<HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_else(|| "system".into()),
                title: input(&title),
                message: message.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default(),
            };
            run(
                shown.clone(),
                async move { notifications::send_bulk(&notification).await },
                |q| format!("Уведомление поставлено в очередь: получателей {} (задача {})", q.sent, q.job),
                on_sent.clone(),
            );
        })
    };
    html! {
        <form class="panel" data-form="send_bulk" {onsubmit}>
            <h2>{ "Массовое уведомление" }</h2>
            <label class="field"><span>{ "Заголовок" }</span><input name="title" ref={title} maxlength="200" /></label>
            <label class="field"><span>{ "Текст" }</span><textarea name="message" ref={message} rows="3" /></label>
            <label class="field"><span>{ "Кому: номера через запятую (пусто — всем активным)" }</span>
                <input name="user_ids" ref={user_ids} inputmode="numeric" /></label>
            <label class="field"><span>{ "Тип" }</span>
                <select name="notification_type" ref={kind}>
                    { for TYPES.iter().map(|(v, l)| html! { <option value={*v} selected={*v == "system"}>{ *l }</option> }) }
                </select></label>
            <button type="submit">{ "Отправить" }</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ids;

    #[test]
    fn ids_are_numbers_and_blank_means_everyone() {
        assert_eq!(parse_ids(" 1, 2 3 "), Ok(Some(vec![1, 2, 3])));
        assert_eq!(parse_ids("  "), Ok(None));
        assert!(parse_ids("1, x").is_err());
    }
}
