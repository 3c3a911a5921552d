//! One message of the room: its author, time, text or picture, and for the person's own
//! messages editing in place and deleting (asked twice, nothing is undone).

use super::state::Action;
use crate::api::chat::{self, Message};
use crate::i18n::use_lang;
use web_kit::display;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub message: Message,
    pub mine: bool,
    pub on_change: Callback<Action>,
}

#[function_component(MessageItem)]
pub fn message_item(props: &Props) -> Html {
    let lang = use_lang();
    let editing = use_state(|| None::<String>);
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let m = &props.message;
    let id = m.id;
    let start_edit = {
        let editing = editing.clone();
        let text = m.text.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(text.clone())))
    };
    let on_edit_input = {
        let editing = editing.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            editing.set(Some(area.value()));
        })
    };
    let cancel = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(None))
    };
    let save = {
        let editing = editing.clone();
        let busy = busy.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(text) = (*editing).clone().filter(|t| !t.trim().is_empty()) else { return };
            let (editing, busy, on_change) = (editing.clone(), busy.clone(), on_change.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match chat::edit(id, text.trim()).await {
                    Ok(message) => {
                        on_change.emit(Action::Put(message));
                        editing.set(None);
                    }
                    Err(e) => on_change.emit(Action::Refused(e.error)),
                }
                busy.set(false);
            });
        })
    };
    let delete = {
        let confirming = confirming.clone();
        let busy = busy.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (busy, on_change) = (busy.clone(), on_change.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match chat::delete(id).await {
                    Ok(()) => on_change.emit(Action::Remove(id)),
                    Err(e) => {
                        on_change.emit(Action::Refused(e.error));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let system = m.message_type == "system" || m.user.is_none();
    let class = classes!("message", props.mine.then_some("mine"), system.then_some("system"));
    let body = if let Some(text) = &*editing {
        html! {
            <form class="edit" onsubmit={save}>
                <label class="sr-only" for={format!("edit-{id}")}>{ lang.pick("Текст сообщения", "Message text") }</label>
                <textarea id={format!("edit-{id}")} name="edit" rows="2" maxlength="4000" value={text.clone()} oninput={on_edit_input} />
                <div class="actions">
                    <button type="submit" data-action="save-edit" disabled={*busy}>{ lang.pick("Сохранить", "Save") }</button>
                    <button type="button" data-action="cancel-edit" onclick={cancel}>{ lang.pick("Отмена", "Cancel") }</button>
                </div>
            </form>
        }
    } else {
        html! {
            <>
                if m.is_image() {
                    <a href={m.attachment_url.clone()} target="_blank" rel="noopener" class="picture">
                        <img src={m.attachment_url.clone()} alt={lang.pick("Изображение из чата", "Picture from the chat")} loading="lazy" />
                    </a>
                } else if !m.attachment_url.is_empty() {
                    <a href={m.attachment_url.clone()} target="_blank" rel="noopener" class="file">{ lang.pick("📄 Файл", "📄 File") }</a>
                }
                if !m.text.is_empty() { <p class="text">{ &m.text }</p> }
            </>
        }
    };
    html! {
        <li {class} data-id={id.to_string()} data-seq={m.seq.to_string()}>
            if !system {
                <div class="meta">
                    <span class="author">{ if props.mine { lang.pick("Вы", "You").to_string() } else { m.user_name.clone() } }</span>
                    <time datetime={m.created_at.clone()}>{ display::date_time(&m.created_at) }</time>
                    if m.is_edited { <span class="edited">{ lang.pick("изменено", "edited") }</span> }
                </div>
            }
            { body }
            if props.mine && !system && editing.is_none() {
                <div class="actions">
                    if *confirming {
                        <button type="button" class="danger" data-action="confirm-delete" onclick={delete} disabled={*busy}>{ lang.pick("Да, удалить", "Yes, delete") }</button>
                        <button type="button" data-action="keep" onclick={keep}>{ lang.pick("Оставить", "Keep") }</button>
                    } else {
                        if m.attachment_url.is_empty() {
                            <button type="button" data-action="edit" onclick={start_edit}>{ lang.pick("Изменить", "Edit") }</button>
                        }
                        <button type="button" data-action="delete" onclick={delete}>{ lang.pick("Удалить", "Delete") }</button>
                    }
                </div>
            }
        </li>
    }
}
