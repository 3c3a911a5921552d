//! Writing in the room: the text (Enter sends, Shift+Enter breaks the line), "typing" told to
//! the others while the person types, and a picture or PDF attached through the upload.

use super::state::Action;
use crate::api::chat;
use crate::i18n::use_lang;
use crate::live::room::Room;
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// "Typing" is repeated at most this often while typing goes on…
const TYPING_REPEAT_MS: f64 = 3_000.0;
/// …and withdrawn after this long without a keystroke.
const TYPING_IDLE_MS: u32 = 4_000;

#[derive(Properties)]
pub struct Props {
    pub procurement_id: i64,
    pub room: Option<Rc<Room>>,
    pub on_change: Callback<Action>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        let same_room = match (&self.room, &other.room) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_room && self.procurement_id == other.procurement_id && self.on_change == other.on_change
    }
}

#[function_component(Composer)]
pub fn composer(props: &Props) -> Html {
    let lang = use_lang();
    let text = use_state(String::new);
    let sending = use_state(|| false);
    // When "typing" was last sent (0: not typing), and the timer that withdraws it.
    let typing_since = use_mut_ref(|| 0.0_f64);
    let idle = use_mut_ref(|| None::<Timeout>);
    let file_input = use_node_ref();

    // Withdraws "typing"; the idle timer runs this one (it must not drop the timer running it).
    let withdraw = {
        let room = props.room.clone();
        let typing_since = typing_since.clone();
        move || {
            if *typing_since.borrow() > 0.0 {
                *typing_since.borrow_mut() = 0.0;
                if let Some(room) = &room {
                    room.typing(false);
                }
            }
        }
    };
    let stop_typing = {
        let idle = idle.clone();
        let withdraw = withdraw.clone();
        move || {
            idle.borrow_mut().take();
            withdraw();
        }
    };
    let on_input = {
        let text = text.clone();
        let room = props.room.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
            let Some(room) = &room else { return };
            let now = js_sys::Date::now();
            if now - *typing_since.borrow() > TYPING_REPEAT_MS {
                *typing_since.borrow_mut() = now;
                room.typing(true);
            }
            *idle.borrow_mut() = Some(Timeout::new(TYPING_IDLE_MS, withdraw.clone()));
        })
    };
    let send = {
        let text = text.clone();
        let sending = sending.clone();
        let room = props.room.clone();
        let on_change = props.on_change.clone();
        let procurement_id = props.procurement_id;
        let stop_typing = stop_typing.clone();
        Callback::from(move |()| {
            let body = text.trim().to_string();
            if body.is_empty() || *sending {
                return;
            }
            stop_typing();
            if room.as_ref().is_some_and(|room| room.say(&body)) {
                text.set(String::new());
                return;
            }
            // The socket is down: REST posts it to the room just the same.
            let (text, sending, on_change) = (text.clone(), sending.clone(), on_change.clone());
            sending.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match chat::post_text(procurement_id, &body).await {
                    Ok(message) => {
                        on_change.emit(Action::Put(message));
                        text.set(String::new());
                    }
                    Err(e) => on_change.emit(Action::Refused(e.error)),
                }
                sending.set(false);
            });
        })
    };
    let on_submit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(());
        })
    };
    let on_keydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
            e.prevent_default();
            send.emit(());
        }
    });
    let on_file = {
        let sending = sending.clone();
        let text = text.clone();
        let on_change = props.on_change.clone();
        let procurement_id = props.procurement_id;
        let file_input = file_input.clone();
        Callback::from(move |_: Event| {
            let Some(input) = file_input.cast::<web_sys::HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            let (sending, text, on_change) = (sending.clone(), text.clone(), on_change.clone());
            sending.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                // A message needs some text: the file's name when nothing was typed.
                let caption = Some(text.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or_else(|| file.name());
                let posted = match chat::upload(procurement_id, &file).await {
                    Ok(uploaded) => chat::post_attachment(procurement_id, &uploaded, &caption).await,
                    Err(e) => Err(e),
                };
                match posted {
                    Ok(message) => {
                        on_change.emit(Action::Put(message));
                        text.set(String::new());
                    }
                    Err(e) => on_change.emit(Action::Refused(e.error)),
                }
                input.set_value("");
                sending.set(false);
            });
        })
    };
    html! {
        <form class="composer" onsubmit={on_submit} aria-busy={sending.to_string()}>
            <label class="attach" title={lang.pick("Прикрепить изображение или PDF", "Attach a picture or PDF")}>
                // Drawn rather than an emoji, which not every system has a font for.
                <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
                </svg>
                <span class="sr-only">{ lang.pick("Прикрепить изображение или PDF", "Attach a picture or PDF") }</span>
                <input ref={file_input} type="file" name="file" class="sr-only" data-action="attach"
                    accept="image/png,image/jpeg,image/gif,image/webp,application/pdf" onchange={on_file} disabled={*sending} />
            </label>
            <label class="sr-only" for="chat-text">{ lang.pick("Сообщение", "Message") }</label>
            <textarea id="chat-text" name="text" rows="1" maxlength="4000" value={(*text).clone()}
                placeholder={lang.pick("Сообщение…", "Message…")} oninput={on_input} onkeydown={on_keydown} />
            <button type="submit" data-action="send" disabled={*sending || text.trim().is_empty()}>
                { lang.pick("Отправить", "Send") }
            </button>
        </form>
    }
}
