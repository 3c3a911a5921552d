//! `/chats`: the rooms of the procurements the person organizes or takes part in, with other
//! people's unread messages per room, counted again as notifications arrive.

use crate::account::use_account;
use crate::api::chat::{self, Room, Unread};
use crate::i18n::use_lang;
use crate::live::notifications::{self, Feed};
use crate::route::{Link, Route};
use web_kit::ApiError;
use web_kit::components::Alert;
use yew::prelude::*;

#[function_component(ChatsPage)]
pub fn page() -> Html {
    let lang = use_lang();
    let account = use_account();
    let rooms = use_state(|| None::<Result<Vec<Room>, ApiError>>);
    let unread = use_state(Unread::default);
    {
        let rooms = rooms.clone();
        let unread = unread.clone();
        use_effect_with(account.user_id(), move |user_id| {
            let user_id = *user_id;
            let recount = move || {
                let unread = unread.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(counted) = chat::unread().await {
                        unread.set(counted);
                    }
                });
            };
            if let Some(user_id) = user_id {
                wasm_bindgen_futures::spawn_local(async move { rooms.set(Some(chat::rooms(user_id).await)) });
            }
            recount();
            let subscription = notifications::subscribe(Callback::from(move |feed| {
                if matches!(feed, Feed::Notification { .. } | Feed::Nudge | Feed::Reconnected) {
                    recount();
                }
            }));
            move || drop(subscription)
        });
    }
    let body = match &*rooms {
        None => html! { <p class="muted" aria-busy="true">{ lang.pick("Загрузка…", "Loading…") }</p> },
        Some(Err(e)) => html! { <Alert error={e.clone()} /> },
        Some(Ok(list)) if list.is_empty() => html! {
            <p class="panel muted">
                { lang.pick("Чатов пока нет: у каждой закупки свой чат — присоединитесь к закупке, и он появится здесь. ",
                    "No chats yet: every procurement has its own; join one and its chat shows up here. ") }
                <Link to={Route::Catalog}>{ lang.pick("К закупкам", "Browse procurements") }</Link>
            </p>
        },
        Some(Ok(list)) => html! {
            <ul class="rooms" data-list="chats">
                { for list.iter().map(|room| {
                    let count = unread.of(room.id);
                    html! {
                        <li key={room.id} data-id={room.id.to_string()} class={classes!((count > 0).then_some("unread"))}>
                            <Link to={Route::Chat(room.id)}>
                                <span class="title">{ &room.title }</span>
                                <span class="muted">{ format!("{} · {} {}", room.organizer_name, room.participant_count, lang.pick("участн.", "people")) }</span>
                                if count > 0 {
                                    <span class="badge" data-unread={count.to_string()}>
                                        { count }<span class="sr-only">{ lang.pick(" непрочитанных", " unread") }</span>
                                    </span>
                                }
                            </Link>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <>
            <h1>{ lang.pick("Чаты", "Chats") }</h1>
            { body }
        </>
    }
}
