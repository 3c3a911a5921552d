//! Hash routes (`#/users`): the app is static files, so the server never sees the route.

use gloo_events::EventListener;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Login,
    Dashboard,
    Users,
    Procurements,
    Payments,
    Transactions,
    Messages,
    Notifications,
    Categories,
    Jobs,
    Models,
    Broadcasts,
    Audit,
    Doctor,
}

impl Route {
    /// The pages in the navigation, in its order.
    pub const NAV: [Route; 13] = [
        Route::Dashboard,
        Route::Users,
        Route::Procurements,
        Route::Payments,
        Route::Transactions,
        Route::Messages,
        Route::Notifications,
        Route::Categories,
        Route::Jobs,
        Route::Models,
        Route::Broadcasts,
        Route::Audit,
        Route::Doctor,
    ];

    /// The name in the hash and in `data-page`.
    pub fn name(self) -> &'static str {
        match self {
            Route::Login => "login",
            Route::Dashboard => "dashboard",
            Route::Users => "users",
            Route::Procurements => "procurements",
            Route::Payments => "payments",
            Route::Transactions => "transactions",
            Route::Messages => "messages",
            Route::Notifications => "notifications",
            Route::Categories => "categories",
            Route::Jobs => "jobs",
            Route::Models => "models",
            Route::Broadcasts => "broadcasts",
            Route::Audit => "audit",
            Route::Doctor => "doctor",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Route::Login => "Вход",
            Route::Dashboard => "Сводка",
            Route::Users => "Пользователи",
            Route::Procurements => "Закупки",
            Route::Payments => "Платежи",
            Route::Transactions => "Операции",
            Route::Messages => "Сообщения",
            Route::Notifications => "Уведомления",
            Route::Categories => "Категории",
            Route::Jobs => "Задачи",
            Route::Models => "Модели",
            Route::Broadcasts => "Рассылки",
            Route::Audit => "Журнал",
            Route::Doctor => "Проверка",
        }
    }

    pub fn href(self) -> String {
        format!("#/{}", self.name())
    }

    /// `#/users` → Users; anything unknown → the dashboard.
    pub fn parse(hash: &str) -> Route {
        let name = hash.trim_start_matches('#').trim_start_matches('/');
        let name = name.split(['?', '/']).next().unwrap_or("");
        std::iter::once(Route::Login).chain(Route::NAV).find(|r| r.name() == name).unwrap_or(Route::Dashboard)
    }
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Shows `route` (the `hashchange` listener re-renders).
pub fn go(route: Route) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&format!("/{}", route.name()));
    }
}

/// The route in the address bar, following its changes.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(|| Route::parse(&current_hash()));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "hashchange", move |_| route.set(Route::parse(&current_hash())))
            });
            move || drop(listener)
        });
    }
    *route
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn hashes_name_pages_and_unknown_ones_land_on_the_dashboard() {
        assert_eq!(Route::parse("#/users"), Route::Users);
        assert_eq!(Route::parse("#/login"), Route::Login);
        assert_eq!(Route::parse("#/audit?x=1"), Route::Audit);
        assert_eq!(Route::parse(""), Route::Dashboard);
        assert_eq!(Route::parse("#/nope"), Route::Dashboard);
        for route in Route::NAV {
            assert_eq!(Route::parse(&route.href()), route);
        }
    }
}
