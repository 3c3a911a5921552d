//! The shell: signing in (a login link's code or the Mini App's `initData`), who is signed in,
//! the navigation, theme and language switches, and the page the address names.

use crate::account::Account;
use crate::api::me::{self, Me};
use crate::components::{Unread, UnreadBadge};
use crate::i18n::{self, Lang};
use crate::pages;
use crate::route::{self, Link, Route, use_route};
use crate::session;
use gloo_events::EventListener;
use web_kit::ApiError;
use web_kit::components::Alert;
use web_kit::theme::{self, Theme};
use yew::prelude::*;

/// Where the app stands with the person.
#[derive(Clone, PartialEq)]
enum Phase {
    /// Exchanging a code or `initData`, or reading the person.
    Starting,
    /// Ready: signed in (`Some`) or browsing anonymously.
    Ready(Option<Me>),
    /// Signing in failed (a used link, a stale Mini App launch): said, and the app goes on
    /// anonymously.
    Refused(ApiError),
}

/// Where to go after signing in with a link: its `next` when it is a path of this site.
fn after_sign_in() -> Route {
    route::query_param("next")
        .filter(|next| next.starts_with('/') && !next.starts_with("//"))
        .map(|next| Route::parse(&next))
        .filter(|r| *r != Route::Login && *r != Route::NotFound)
        .unwrap_or(Route::Purchases)
}

async fn start() -> Phase {
    let signed_in = if let Some(init_data) = session::mini_app_init_data() {
        session::sign_in_with_mini_app(&init_data).await.map(Some)
    } else if let (Route::Login, Some(code)) = (Route::parse(&current_path()), route::query_param("code")) {
        let signed = session::sign_in_with_code(&code).await;
        if signed.is_ok() {
            route::replace(&after_sign_in());
        }
        signed.map(Some)
    } else {
        Ok(session::stored())
    };
    match signed_in {
        Err(e) => Phase::Refused(e),
        Ok(None) => Phase::Ready(None),
        Ok(Some(session)) => match me::get(session.user_id).await {
            Ok(me) => Phase::Ready(Some(me)),
            // The stored session ended (signed out elsewhere, expired): browse anonymously.
            Err(e) if e.is_unauthenticated() => Phase::Ready(None),
            Err(e) => Phase::Refused(e),
        },
    }
}

fn current_path() -> String {
    let location = web_sys::window().map(|w| w.location());
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    format!("{path}{search}")
}

#[function_component(App)]
pub fn app() -> Html {
    let phase = use_state(|| Phase::Starting);
    let lang = use_state(i18n::initial);
    {
        let phase = phase.clone();
        use_effect_with((), move |_| {
            let on_signed_out = web_sys::window().map(|window| {
                let phase = phase.clone();
                EventListener::new(&window, session::SIGNED_OUT_EVENT, move |_| phase.set(Phase::Ready(None)))
            });
            wasm_bindgen_futures::spawn_local(async move { phase.set(start().await) });
            move || drop(on_signed_out)
        });
    }
    // The person's own language once known, unless they switched here.
    {
        let lang = lang.clone();
        let language = match &*phase {
            Phase::Ready(Some(me)) => Some(me.language_code.clone()),
            _ => None,
        };
        use_effect_with(language, move |language| {
            if let Some(code) = language.as_deref().filter(|c| !c.is_empty())
                && !lang_was_chosen()
            {
                let chosen = Lang::parse(code);
                i18n::choose(chosen);
                lang.set(chosen);
            }
        });
    }
    let me = match &*phase {
        Phase::Ready(me) => me.clone(),
        _ => None,
    };
    let reload = {
        let phase = phase.clone();
        Callback::from(move |()| {
            let phase = phase.clone();
            if let Some(session) = session::stored() {
                wasm_bindgen_futures::spawn_local(async move {
                    match me::get(session.user_id).await {
                        Ok(me) => phase.set(Phase::Ready(Some(me))),
                        Err(e) if e.is_unauthenticated() => phase.set(Phase::Ready(None)),
                        Err(_) => {}
                    }
                });
            }
        })
    };
    let sign_out = {
        let phase = phase.clone();
        Callback::from(move |()| {
            let phase = phase.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Forgotten here whatever the server answers.
                let _ = session::sign_out().await;
                phase.set(Phase::Ready(None));
                route::go(&Route::Catalog);
            });
        })
    };
    let account = Account { me, reload, sign_out };
    let set_lang = {
        let lang = lang.clone();
        Callback::from(move |next: Lang| {
            i18n::choose(next);
            lang.set(next);
        })
    };
    html! {
        <ContextProvider<Lang> context={*lang}>
            <ContextProvider<Account> context={account}>
                <Shell starting={*phase == Phase::Starting} refused={match &*phase { Phase::Refused(e) => Some(e.clone()), _ => None }} {set_lang} />
            </ContextProvider<Account>>
        </ContextProvider<Lang>>
    }
}

fn lang_was_chosen() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("groupbuy-lang").ok().flatten())
        .is_some()
}

#[derive(Properties, PartialEq)]
struct ShellProps {
    starting: bool,
    refused: Option<ApiError>,
    set_lang: Callback<Lang>,
}

#[function_component(Shell)]
fn shell(props: &ShellProps) -> Html {
    let lang = i18n::use_lang();
    let account = crate::account::use_account();
    let route = use_route();
    let theme = use_state(theme::initial);
    let toggle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            let next = theme.other();
            theme::choose(next);
            theme.set(next);
        })
    };
    let toggle_lang = {
        let set_lang = props.set_lang.clone();
        Callback::from(move |_: MouseEvent| set_lang.emit(lang.other()))
    };
    let sign_out = {
        let sign_out = account.sign_out.clone();
        Callback::from(move |_: MouseEvent| sign_out.emit(()))
    };
    let theme_label = match *theme {
        Theme::Dark => lang.pick("Светлая тема", "Light theme"),
        Theme::Light => lang.pick("Тёмная тема", "Dark theme"),
    };
    let theme_icon = if *theme == Theme::Dark { "☀" } else { "☾" };
    let me = account.me.clone();
    let nav = |to: Route, text: &'static str| html! { <li><Link to={to}>{ text }</Link></li> };
    html! {
        <>
            <a class="skip" href="#main">{ lang.pick("К содержимому", "Skip to content") }</a>
            <header class="top">
                <Link to={Route::Catalog} class={classes!("brand")}>{ "GroupBuy" }</Link>
                <nav aria-label={lang.pick("Разделы", "Sections")}>
                    <ul>
                        { nav(Route::Catalog, lang.pick("Закупки", "Procurements")) }
                        if let Some(me) = &me {
                            { nav(Route::Purchases, lang.pick("Мои покупки", "My purchases")) }
                            if me.is_organizer() { { nav(Route::Organize, lang.pick("Организатор", "Organizer")) } }
                            if me.is_supplier() { { nav(Route::Supply, lang.pick("Поставщик", "Supplier")) } }
                            <li><Link to={Route::Chats}>{ lang.pick("Чаты", "Chats") }<UnreadBadge of={Unread::Chats} /></Link></li>
                            <li><Link to={Route::Notifications}>{ lang.pick("Уведомления", "Notifications") }<UnreadBadge of={Unread::Notifications} /></Link></li>
                            { nav(Route::Balance, lang.pick("Баланс", "Balance")) }
                            { nav(Route::Profile, lang.pick("Профиль", "Profile")) }
                        }
                    </ul>
                </nav>
                <div class="tools">
                    <button type="button" data-action="lang" onclick={toggle_lang} title={lang.pick("Switch to English", "Переключить на русский")}>
                        { lang.other().code().to_uppercase() }
                    </button>
                    <button type="button" data-action="theme" onclick={toggle_theme} aria-label={theme_label} title={theme_label}>{ theme_icon }</button>
                    if let Some(me) = &me {
                        <button type="button" data-action="sign-out" onclick={sign_out}
                            title={format!("{} {}", lang.pick("Вы вошли как", "Signed in as"), me.display_name())}>
                            { lang.pick("Выйти", "Sign out") }
                        </button>
                    }
                </div>
            </header>
            <main id="main" data-page={route.name()} aria-busy={props.starting.to_string()}>
                if let Some(error) = &props.refused { <Alert error={error.clone()} /> }
                if props.starting {
                    <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p>
                } else if route.needs_sign_in() && me.is_none() {
                    <crate::components::SignInNeeded />
                } else {
                    { pages::page(&route) }
                }
            </main>
        </>
    }
}
