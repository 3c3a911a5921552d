//! Path routes (`/procurements/12`), kept in the address bar with the History API: the server
//! answers every path outside `/api`, `/ws`, `/admin-panel` and `/media` with the app, and a
//! link can be shared or opened from a bot. (The hash stays free: Telegram puts the Mini App's
//! launch data there.)

use gloo_events::EventListener;
use yew::prelude::*;

/// The event `go` fires so every `use_route` re-reads the address bar (`pushState` fires none).
const ROUTE_EVENT: &str = "groupbuy-route";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Active procurements: the featured slider, filters, search.
    Catalog,
    Procurement(i64),
    /// `/login?code=…`: the one-time code a bot's login link carries.
    Login,
    /// The buyer's one screen: what I buy, what to pay by when, what to pick up, what changed.
    Purchases,
    /// The organizer's procurements.
    Organize,
    NewProcurement,
    EditProcurement(i64),
    /// The supplier's procurements.
    Supply,
    Chats,
    Chat(i64),
    Notifications,
    Profile,
    Balance,
    NotFound,
}

impl Route {
    /// `/procurements/12?x=1` → `Procurement(12)`.
    pub fn parse(path: &str) -> Route {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let id = |s: &str| s.parse::<i64>().ok().filter(|id| *id > 0);
        match parts.as_slice() {
            [] => Route::Catalog,
            ["procurements", n] => id(n).map_or(Route::NotFound, Route::Procurement),
            ["login"] => Route::Login,
            ["purchases"] => Route::Purchases,
            ["organize"] => Route::Organize,
            ["organize", "new"] => Route::NewProcurement,
            ["organize", n] => id(n).map_or(Route::NotFound, Route::EditProcurement),
            ["supply"] => Route::Supply,
            ["chats"] => Route::Chats,
            ["chats", n] => id(n).map_or(Route::NotFound, Route::Chat),
            ["notifications"] => Route::Notifications,
            ["profile"] => Route::Profile,
            ["balance"] => Route::Balance,
            _ => Route::NotFound,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Catalog => "/".into(),
            Route::Procurement(id) => format!("/procurements/{id}"),
            Route::Login => "/login".into(),
            Route::Purchases => "/purchases".into(),
            Route::Organize => "/organize".into(),
            Route::NewProcurement => "/organize/new".into(),
            Route::EditProcurement(id) => format!("/organize/{id}"),
            Route::Supply => "/supply".into(),
            Route::Chats => "/chats".into(),
            Route::Chat(id) => format!("/chats/{id}"),
            Route::Notifications => "/notifications".into(),
            Route::Profile => "/profile".into(),
            Route::Balance => "/balance".into(),
            Route::NotFound => "/not-found".into(),
        }
    }

    /// The name in `<main data-page>`, which the browser tests wait for.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Catalog => "catalog",
            Route::Procurement(_) => "procurement",
            Route::Login => "login",
            Route::Purchases => "purchases",
            Route::Organize => "organize",
            Route::NewProcurement => "new-procurement",
            Route::EditProcurement(_) => "edit-procurement",
            Route::Supply => "supply",
            Route::Chats => "chats",
            Route::Chat(_) => "chat",
            Route::Notifications => "notifications",
            Route::Profile => "profile",
            Route::Balance => "balance",
            Route::NotFound => "not-found",
        }
    }

    /// Pages that need a signed-in person (the catalog and a procurement can be read by anyone).
    pub fn needs_sign_in(&self) -> bool {
        !matches!(self, Route::Catalog | Route::Procurement(_) | Route::Login | Route::NotFound)
    }
}

fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// A query parameter of the address bar (`code` of `/login?code=…`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name).filter(|v| !v.is_empty())
}

/// Shows `route`, as a new entry of the browser's history.
pub fn go(route: &Route) {
    navigate(route, false);
}

/// Shows `route` in place of the current entry (after signing in: Back should not return to
/// the one-time login link).
pub fn replace(route: &Route) {
    navigate(route, true);
}

fn navigate(route: &Route, replace: bool) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    let href = route.href();
    let _ = if replace {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href))
    } else {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href))
    };
    if let Ok(event) = web_sys::Event::new(ROUTE_EVENT) {
        let _ = window.dispatch_event(&event);
    }
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The route in the address bar, following `go`, Back and Forward.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(|| Route::parse(&current_path()));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|window| {
                let on = |event: &'static str| {
                    let route = route.clone();
                    EventListener::new(&window, event, move |_| route.set(Route::parse(&current_path())))
                };
                [on("popstate"), on(ROUTE_EVENT)]
            });
            move || drop(listeners)
        });
    }
    (*route).clone()
}

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    pub to: Route,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

/// `<a href>` that changes the page without reloading the app (a modified click, such as
/// Ctrl+click for a new tab, is left to the browser).
#[function_component(Link)]
pub fn link(props: &LinkProps) -> Html {
    let current = use_route();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                e.prevent_default();
                go(&to);
            }
        })
    };
    html! {
        <a href={props.to.href()} class={props.class.clone()} aria-current={(current == props.to).then_some("page")} {onclick}>
            { props.children.clone() }
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn paths_name_pages_and_hrefs_lead_back_to_them() {
        let all = [
            Route::Catalog,
            Route::Procurement(7),
            Route::Login,
            Route::Purchases,
            Route::Organize,
            Route::NewProcurement,
            Route::EditProcurement(3),
            Route::Supply,
            Route::Chats,
            Route::Chat(9),
            Route::Notifications,
            Route::Profile,
            Route::Balance,
        ];
        for route in all {
            assert_eq!(Route::parse(&route.href()), route);
        }
        assert_eq!(Route::parse("/procurements/12/?tab=chat"), Route::Procurement(12));
        assert_eq!(Route::parse("/login?code=abc"), Route::Login);
        assert_eq!(Route::parse("/procurements/abc"), Route::NotFound);
        assert_eq!(Route::parse("/procurements/-1"), Route::NotFound);
        assert_eq!(Route::parse("/nope"), Route::NotFound);
    }
}
