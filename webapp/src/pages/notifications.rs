//! `/notifications`: the person's notifications, newest first, twenty a page; new ones appear
//! at the top as `/ws/notifications/` delivers them. One or all can be marked read.

use crate::api::Page;
use crate::api::notifications::{self as api, Notification};
use crate::i18n::use_lang;
use crate::live::notifications::{self as live, Feed};
use crate::route::{Link, Route};
use std::rc::Rc;
use web_kit::ApiError;
use web_kit::components::{Alert, Pager};
use web_kit::display;
use yew::prelude::*;

const PAGE_SIZE: u64 = 20;

/// The page shown, changed in place by what arrives live (a reducer: the socket's callback
/// lives longer than one render and must not work on a stale copy).
#[derive(Default, PartialEq)]
struct Shown(Option<Page<Notification>>);

enum Change {
    Loaded(Page<Notification>),
    /// New: on top of the first page.
    Arrived(Notification),
    /// Marked read.
    Read(Notification),
    /// All marked read on the server: shown so at once, before the page is read again.
    AllRead,
}

impl Reducible for Shown {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let Some(mut page) = self.0.clone() else {
            return match change {
                Change::Loaded(page) => Rc::new(Shown(Some(page))),
                _ => self,
            };
        };
        match change {
            Change::Loaded(fresh) => page = fresh,
            Change::Arrived(n) if page.results.iter().any(|known| known.id == n.id) => return self,
            Change::Arrived(n) => {
                page.results.insert(0, n);
                page.results.truncate(PAGE_SIZE as usize);
                page.count += 1;
            }
            Change::AllRead => page.results.iter_mut().for_each(|n| n.is_read = true),
            Change::Read(read) => {
                for n in page.results.iter_mut().filter(|n| n.id == read.id) {
                    *n = read.clone();
                }
            }
        }
        Rc::new(Shown(Some(page)))
    }
}

#[function_component(NotificationsPage)]
pub fn page() -> Html {
    let lang = use_lang();
    let page_no = use_state(|| 1_u64);
    let list = use_reducer(Shown::default);
    // The page number for the socket's callback, which outlives a render.
    let current_page = use_mut_ref(|| 1_u64);
    let error = use_state(|| None::<ApiError>);
    let unread = use_state(|| 0_i64);
    let reload = {
        let list = list.dispatcher();
        let error = error.clone();
        Callback::from(move |page: u64| {
            let (list, error) = (list.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::list(page).await {
                    Ok(found) => {
                        list.dispatch(Change::Loaded(found));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        let current_page = current_page.clone();
        use_effect_with(*page_no, move |page| {
            *current_page.borrow_mut() = *page;
            reload.emit(*page)
        });
    }
    {
        let list = list.dispatcher();
        let unread = unread.clone();
        let current_page = current_page.clone();
        let reload = reload.clone();
        use_effect_with((), move |_| {
            let subscription = live::subscribe(Callback::from(move |feed| match feed {
                Feed::Notification { notification, unread_count } => {
                    unread.set(unread_count);
                    if *current_page.borrow() == 1 {
                        list.dispatch(Change::Arrived(notification));
                    }
                }
                Feed::UnreadCount { unread_count } => unread.set(unread_count),
                // What arrived while away is on the server only.
                Feed::Reconnected => reload.emit(*current_page.borrow()),
                Feed::Nudge => {}
            }));
            move || drop(subscription)
        });
    }
    let mark_one = {
        let list = list.dispatcher();
        let error = error.clone();
        Callback::from(move |id: i64| {
            let (list, error) = (list.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::mark_read(id).await {
                    Ok(read) => {
                        list.dispatch(Change::Read(read));
                        live::nudge();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let mark_all = {
        let reload = reload.clone();
        let error = error.clone();
        let page_no = page_no.clone();
        let list = list.dispatcher();
        Callback::from(move |_: MouseEvent| {
            let (reload, error, page, list) = (reload.clone(), error.clone(), *page_no, list.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::mark_all_read().await {
                    Ok(()) => {
                        list.dispatch(Change::AllRead);
                        reload.emit(page);
                        live::nudge();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_page = {
        let page_no = page_no.clone();
        Callback::from(move |page| page_no.set(page))
    };
    let body = match &list.0 {
        None => html! { <p class="muted" aria-busy="true">{ lang.pick("Загрузка…", "Loading…") }</p> },
        Some(found) if found.results.is_empty() => html! {
            <p class="panel muted">{ lang.pick("Уведомлений нет.", "No notifications.") }</p>
        },
        Some(found) => html! {
            <>
                <ul class="notifications" data-list="notifications">
                    { for found.results.iter().map(|n| {
                        let id = n.id;
                        let mark = {
                            let mark_one = mark_one.clone();
                            Callback::from(move |_: MouseEvent| mark_one.emit(id))
                        };
                        html! {
                            <li key={id} data-id={id.to_string()} data-read={n.is_read.to_string()}
                                class={classes!("panel", (!n.is_read).then_some("unread"))}>
                                <div class="head">
                                    <strong>{ &n.title }</strong>
                                    <time datetime={n.created_at.clone()} class="muted">{ display::date_time(&n.created_at) }</time>
                                </div>
                                <p>{ &n.message }</p>
                                <div class="actions">
                                    if let Some(procurement) = n.procurement {
                                        <Link to={Route::Procurement(procurement)}>
                                            { n.procurement_title.clone().unwrap_or_else(|| lang.pick("Закупка", "Procurement").to_string()) }
                                        </Link>
                                        if n.notification_type == "new_message" {
                                            <Link to={Route::Chat(procurement)}>{ lang.pick("Открыть чат", "Open the chat") }</Link>
                                        }
                                    }
                                    if !n.is_read {
                                        <button type="button" data-action="mark-read" onclick={mark}>{ lang.pick("Прочитано", "Mark read") }</button>
                                    }
                                </div>
                            </li>
                        }
                    }) }
                </ul>
                if found.count > PAGE_SIZE {
                    <Pager page={*page_no} pages={found.pages(PAGE_SIZE)} count={found.count} {on_page} />
                }
            </>
        },
    };
    html! {
        <>
            <div class="page-head">
                <h1>{ lang.pick("Уведомления", "Notifications") }</h1>
                <button type="button" data-action="mark-all-read" onclick={mark_all} disabled={*unread == 0}>
                    { lang.pick("Прочитать все", "Mark all read") }
                </button>
            </div>
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            { body }
        </>
    }
}
