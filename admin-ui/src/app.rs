//! The shell: who is logged in, the navigation, the theme switch, and the page the hash names.

use crate::api::auth::{self, Staff};
use crate::pages;
use crate::route::{self, Route, use_route};
use web_kit::ApiError;
use web_kit::components::Alert;
use web_kit::theme::{self, Theme};
use yew::prelude::*;

/// Whether anyone is logged in: unknown until `GET auth/` answers.
#[derive(Clone, PartialEq)]
enum Session {
    Checking,
    Anonymous,
    Staff(Staff),
    /// The check itself failed (server down): shown, with the login form under it.
    Failed(ApiError),
}

#[function_component(App)]
pub fn app() -> Html {
    let session = use_state(|| Session::Checking);
    let route = use_route();
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                session.set(match auth::me().await {
                    Ok(staff) => Session::Staff(staff),
                    Err(e) if e.is_unauthenticated() || e.status == 403 => Session::Anonymous,
                    Err(e) => Session::Failed(e),
                });
            });
        });
    }
    let on_login = {
        let session = session.clone();
        Callback::from(move |staff: Staff| {
            session.set(Session::Staff(staff));
            route::go(Route::Dashboard);
        })
    };
    let on_logout = {
        let session = session.clone();
        Callback::from(move |()| session.set(Session::Anonymous))
    };
    match &*session {
        Session::Checking => {
            html! { <main data-page="loading" aria-busy="true"><p class="muted">{ "Загрузка…" }</p></main> }
        }
        Session::Anonymous => html! { <pages::login::Login {on_login} /> },
        Session::Failed(error) => html! { <><Alert error={error.clone()} /><pages::login::Login {on_login} /></> },
        Session::Staff(staff) => {
            let route = if route == Route::Login { Route::Dashboard } else { route };
            html! { <Shell staff={staff.clone()} {route} {on_logout} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct ShellProps {
    staff: Staff,
    route: Route,
    on_logout: Callback<()>,
}

#[function_component(Shell)]
fn shell(props: &ShellProps) -> Html {
    let theme = use_state(theme::initial);
    let nav_open = use_state(|| false);
    let logout_error = use_state(|| None::<ApiError>);
    let toggle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            let next = theme.other();
            theme::choose(next);
            theme.set(next);
        })
    };
    let toggle_nav = {
        let nav_open = nav_open.clone();
        Callback::from(move |_: MouseEvent| nav_open.set(!*nav_open))
    };
    let close_nav = {
        let nav_open = nav_open.clone();
        Callback::from(move |_: MouseEvent| nav_open.set(false))
    };
    let logout = {
        let (on_logout, logout_error) = (props.on_logout.clone(), logout_error.clone());
        Callback::from(move |_: MouseEvent| {
            let (on_logout, logout_error) = (on_logout.clone(), logout_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match auth::logout().await {
                    Ok(_) => {
                        route::go(Route::Login);
                        on_logout.emit(());
                    }
                    Err(e) => logout_error.set(Some(e)),
                }
            });
        })
    };
    let (theme_icon, theme_label) = match *theme {
        Theme::Dark => ("☀", "Включить светлую тему"),
        Theme::Light => ("☾", "Включить тёмную тему"),
    };
    html! {
        <div class="shell">
            <header class="top">
                <button type="button" class="menu" aria-expanded={nav_open.to_string()} aria-controls="nav" onclick={toggle_nav}>
                    { "Меню" }
                </button>
                <span class="brand">{ "GroupBuy · админка" }</span>
                <span class="who">{ &props.staff.username }</span>
                <button type="button" data-action="theme" onclick={toggle_theme} aria-label={theme_label} title={theme_label}>{ theme_icon }</button>
                <button type="button" data-action="logout" onclick={logout}>{ "Выйти" }</button>
            </header>
            <nav id="nav" class={classes!("side", nav_open.then_some("open"))} aria-label="Разделы">
                <ul>
                    { for Route::NAV.iter().map(|r| html! {
                        <li><a href={r.href()} aria-current={(*r == props.route).then_some("page")} onclick={close_nav.clone()}>
                            { r.title() }
                        </a></li>
                    }) }
                </ul>
            </nav>
            <div class="content">
                if let Some(error) = &*logout_error { <Alert error={error.clone()} /> }
                { page(props.route) }
            </div>
        </div>
    }
}

fn page(route: Route) -> Html {
    match route {
        Route::Login | Route::Dashboard => html! { <pages::dashboard::DashboardPage /> },
        Route::Users => html! { <pages::users::UsersPage /> },
        Route::Procurements => html! { <pages::procurements::ProcurementsPage /> },
        Route::Payments => html! { <pages::payments::PaymentsPage /> },
        Route::Transactions => html! { <pages::transactions::TransactionsPage /> },
        Route::Messages => html! { <pages::messages::MessagesPage /> },
        Route::Notifications => html! { <pages::notifications::NotificationsPage /> },
        Route::Categories => html! { <pages::categories::CategoriesPage /> },
        Route::Jobs => html! { <pages::jobs::JobsPage /> },
        Route::Models => html! { <pages::models::ModelsPage /> },
        Route::Broadcasts => html! { <pages::broadcasts::BroadcastsPage /> },
        Route::Audit => html! { <pages::audit::AuditPage /> },
        Route::Doctor => html! { <pages::doctor::DoctorPage /> },
    }
}
