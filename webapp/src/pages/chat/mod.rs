//! `/chats/{id}`: a procurement's chat, live over `/ws/procurement/{id}/`. The list scrolls on
//! its own; a new message keeps it at the bottom unless the person scrolled up to read, and
//! what they have seen at the bottom is marked read.

mod composer;
mod message;
mod state;

use crate::account::use_account;
use crate::api::chat;
use crate::i18n::use_lang;
use crate::live::notifications;
use crate::live::room::Room;
use crate::live::socket::Link as SocketLink;
use crate::route::{Link, Route};
use composer::Composer;
use gloo_timers::callback::Interval;
use message::MessageItem;
use state::{Action, ChatState};
use std::rc::Rc;
use yew::prelude::*;

/// Closer to the bottom than this counts as "at the bottom" (a fraction of a line).
const BOTTOM_SLACK_PX: i32 = 48;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(ChatPage)]
pub fn page(props: &Props) -> Html {
    let lang = use_lang();
    let account = use_account();
    let me = account.user_id();
    let state = use_reducer(ChatState::default);
    let room = use_state(|| None::<Rc<Room>>);
    let title = use_state(String::new);
    let list = use_node_ref();
    let at_bottom = use_state(|| true);
    // The newest message already marked read.
    let marked = use_mut_ref(|| 0_i64);

    {
        let state = state.clone();
        let room = room.clone();
        let title = title.clone();
        let marked = marked.clone();
        use_effect_with(props.id, move |&id| {
            state.dispatch(Action::Reset);
            *marked.borrow_mut() = 0;
            let on_frame = {
                let state = state.dispatcher();
                Callback::from(move |frame| state.dispatch(Action::Frame(frame, js_sys::Date::now())))
            };
            let on_link = {
                let state = state.dispatcher();
                Callback::from(move |link| state.dispatch(Action::Link(link)))
            };
            room.set(Some(Rc::new(Room::enter(id, on_frame, on_link))));
            let expiry = {
                let state = state.dispatcher();
                Interval::new(1_000, move || state.dispatch(Action::Expire(js_sys::Date::now())))
            };
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(found) = chat::room(id).await {
                    title.set(found.title);
                }
            });
            move || {
                drop(expiry);
                room.set(None);
            }
        });
    }

    let newest = state.newest().map(|m| m.id);
    // New messages: follow them when at the bottom, and mark what is seen there read.
    {
        let list = list.clone();
        let marked = marked.clone();
        let id = props.id;
        use_effect_with((newest, state.messages.len(), *at_bottom), move |&(newest, _, at_bottom)| {
            if at_bottom {
                if let Some(list) = list.cast::<web_sys::Element>() {
                    list.set_scroll_top(list.scroll_height());
                }
                if let Some(newest) = newest.filter(|n| *n > *marked.borrow()) {
                    *marked.borrow_mut() = newest;
                    wasm_bindgen_futures::spawn_local(async move {
                        if chat::mark_read(id, Some(newest)).await.is_ok() {
                            notifications::nudge();
                        }
                    });
                }
            }
        });
    }
    let on_scroll = {
        let at_bottom = at_bottom.clone();
        Callback::from(move |e: Event| {
            let list: web_sys::Element = e.target_unchecked_into();
            let bottom = list.scroll_height() - list.scroll_top() - list.client_height() < BOTTOM_SLACK_PX;
            if bottom != *at_bottom {
                at_bottom.set(bottom);
            }
        })
    };
    let to_newest = {
        let list = list.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(list) = list.cast::<web_sys::Element>() {
                list.set_scroll_top(list.scroll_height());
            }
        })
    };
    let reconnect = {
        let room = room.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(room) = &*room {
                room.reconnect();
            }
        })
    };
    let on_change = {
        let state = state.dispatcher();
        Callback::from(move |action| state.dispatch(action))
    };

    let typing: Vec<String> = state
        .typing
        .iter()
        .map(|(user, _)| {
            state.messages.iter().rev().find(|m| m.user == Some(*user)).map(|m| m.user_name.clone()).unwrap_or_default()
        })
        .collect();
    let typing_text = match typing.as_slice() {
        [] => String::new(),
        [one] if !one.is_empty() => format!("{one} {}", lang.pick("печатает…", "is typing…")),
        _ => lang.pick("Кто-то печатает…", "Someone is typing…").to_string(),
    };
    let (link_name, link_text) = match state.link {
        SocketLink::Open => ("open", lang.pick("на связи", "connected")),
        SocketLink::Connecting => ("connecting", lang.pick("подключение…", "connecting…")),
        SocketLink::Waiting => ("waiting", lang.pick("нет связи, переподключение…", "offline, reconnecting…")),
    };
    html! {
        <section class="chat" aria-labelledby="chat-title">
            <header class="chat-head">
                <h1 id="chat-title">
                    { if title.is_empty() { format!("{} #{}", lang.pick("Чат закупки", "Procurement chat"), props.id) } else { (*title).clone() } }
                </h1>
                <Link to={Route::Procurement(props.id)}>{ lang.pick("Закупка", "Procurement") }</Link>
                <span class={classes!("link", link_name)} data-link={link_name} role="status">{ link_text }</span>
                if state.link == SocketLink::Waiting {
                    <button type="button" data-action="reconnect" onclick={reconnect}>{ lang.pick("Переподключить", "Reconnect") }</button>
                }
            </header>
            if let Some(refusal) = &state.refusal {
                <div role="alert" class="error">{ refusal }</div>
            }
            <ol class="messages" ref={list} onscroll={on_scroll} data-list="messages" tabindex="0"
                aria-label={lang.pick("Сообщения", "Messages")} aria-live="polite" aria-busy={(!state.loaded).to_string()}>
                if state.loaded && state.messages.is_empty() {
                    <li class="empty muted">{ lang.pick("Сообщений пока нет — напишите первым.", "No messages yet: write the first one.") }</li>
                }
                { for state.messages.iter().map(|m| html! {
                    <MessageItem key={m.id} message={m.clone()} mine={me.is_some() && m.user == me} on_change={on_change.clone()} />
                }) }
            </ol>
            <div class="chat-foot">
                <p class="typing muted" data-typing={(!typing_text.is_empty()).to_string()} aria-live="polite">{ typing_text }</p>
                if !*at_bottom {
                    <button type="button" class="to-newest" data-action="to-newest" onclick={to_newest}>{ lang.pick("↓ К новым", "↓ Newest") }</button>
                }
                if let Some(event) = &state.event { <p class="muted event">{ event }</p> }
            </div>
            <Composer procurement_id={props.id} room={(*room).clone()} {on_change} />
        </section>
    }
}
