//! The navigation's live unread counts: notifications as `/ws/notifications/` counts them, and
//! other people's chat messages, counted again whenever a notification arrives (a message in a
//! room the person is not looking at notifies them) or a page here marked something read.

use crate::api::chat;
use crate::i18n::use_lang;
use crate::live::notifications::{self, Feed};
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    Notifications,
    Chats,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub of: Unread,
}

#[function_component(UnreadBadge)]
pub fn unread_badge(props: &Props) -> Html {
    let lang = use_lang();
    let count = use_state(|| 0_i64);
    {
        let count = count.clone();
        let of = props.of;
        use_effect_with(of, move |_| {
            let recount_chats = {
                let count = count.clone();
                move || {
                    let count = count.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(unread) = chat::unread().await {
                            count.set(unread.unread_count);
                        }
                    });
                }
            };
            if of == Unread::Chats {
                recount_chats();
            }
            let subscription = notifications::subscribe(Callback::from(move |feed: Feed| match (of, feed) {
                (
                    Unread::Notifications,
                    Feed::UnreadCount { unread_count } | Feed::Notification { unread_count, .. },
                ) => count.set(unread_count),
                (Unread::Chats, Feed::Notification { .. } | Feed::Nudge | Feed::Reconnected) => recount_chats(),
                _ => {}
            }));
            move || drop(subscription)
        });
    }
    if *count <= 0 {
        return html! {};
    }
    let label = match props.of {
        Unread::Notifications => lang.pick("непрочитанных уведомлений", "unread notifications"),
        Unread::Chats => lang.pick("непрочитанных сообщений", "unread messages"),
    };
    let name = match props.of {
        Unread::Notifications => "notifications",
        Unread::Chats => "chats",
    };
    html! {
        <span class="badge" data-badge={name}>
            { if *count > 99 { "99+".to_string() } else { count.to_string() } }
            <span class="sr-only">{ format!(" {label}") }</span>
        </span>
    }
}
