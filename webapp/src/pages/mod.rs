//! One file per page; `page` picks the one the address names.

mod balance;
mod catalog;
mod chat;
mod chats;
mod login;
mod not_found;
mod notifications;
mod organize;
mod procurement;
mod procurement_form;
mod profile;
mod purchases;
mod supply;

use crate::route::Route;
use yew::prelude::*;

pub fn page(route: &Route) -> Html {
    match route {
        Route::Catalog => html! { <catalog::CatalogPage /> },
        Route::Procurement(id) => html! { <procurement::ProcurementPage id={*id} /> },
        Route::Login => html! { <login::LoginPage /> },
        Route::Purchases => html! { <purchases::PurchasesPage /> },
        Route::Organize => html! { <organize::OrganizePage /> },
        Route::NewProcurement => html! { <procurement_form::ProcurementFormPage id={None::<i64>} /> },
        Route::EditProcurement(id) => html! { <procurement_form::ProcurementFormPage id={Some(*id)} /> },
        Route::Supply => html! { <supply::SupplyPage /> },
        Route::Chats => html! { <chats::ChatsPage /> },
        Route::Chat(id) => html! { <chat::ChatPage id={*id} /> },
        Route::Notifications => html! { <notifications::NotificationsPage /> },
        Route::Profile => html! { <profile::ProfilePage /> },
        Route::Balance => html! { <balance::BalancePage /> },
        Route::NotFound => html! { <not_found::NotFoundPage /> },
    }
}
