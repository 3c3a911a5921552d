//! The organizer's procurements (`/organize`): every one they opened, drafts first, each with
//! its state and a way to change it; and the button that opens a new one.

use crate::account::use_account;
use crate::api::procurements::{self, Listed, Status};
use crate::components::ProcurementCard;
use crate::i18n::use_lang;
use crate::route::{Link, Route};
use web_kit::ApiError;
use web_kit::components::Alert;
use yew::prelude::*;

#[function_component(OrganizePage)]
pub fn page() -> Html {
    let lang = use_lang();
    let account = use_account();
    let list = use_state(|| None::<Vec<Listed>>);
    let error = use_state(|| None::<ApiError>);
    {
        let (list, error) = (list.clone(), error.clone());
        use_effect_with(account.user_id(), move |me| {
            if let Some(me) = *me {
                wasm_bindgen_futures::spawn_local(async move {
                    match procurements::of_user(me).await {
                        Ok(mine) => list.set(Some(mine.organized)),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }
    let is_organizer = account.me.as_ref().is_some_and(|m| m.is_organizer());
    // What needs the organizer first: drafts to publish, then the running ones, then the closed.
    let rank = |s: Status| match s {
        Status::Draft => 0,
        Status::Payment => 1,
        Status::Stopped => 2,
        Status::Active => 3,
        Status::Completed | Status::Cancelled => 4,
    };
    let mut items = (*list).clone().unwrap_or_default();
    items.sort_by_key(|p| (rank(p.status), -p.id));
    html! {
        <>
            <div class="page-head">
                <h1>{ lang.pick("Мои закупки (организатор)", "My procurements (organizer)") }</h1>
                if is_organizer {
                    <Link to={Route::NewProcurement} class={classes!("button-link", "primary")}>{ lang.pick("Новая закупка", "New procurement") }</Link>
                }
            </div>
            if !is_organizer {
                <p class="panel">{ lang.pick("Открывать закупки могут организаторы. Роль меняется в профиле.", "Organizers open procurements. Change your role in the profile.") }</p>
            }
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            if list.is_none() && error.is_none() {
                <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p>
            } else if items.is_empty() && is_organizer {
                <p class="empty">{ lang.pick("Закупок пока нет — создайте первую.", "No procurements yet: open the first one.") }</p>
            }
            <div class="cards" data-list="organized">
                { for items.into_iter().map(|p| {
                    let (id, open) = (p.id, !matches!(p.status, Status::Completed | Status::Cancelled));
                    html! {
                        <ProcurementCard key={id} item={p}>
                            <p class="card-actions">
                                <Link to={Route::Procurement(id)}>{ lang.pick("Управлять", "Manage") }</Link>
                                if open { <Link to={Route::EditProcurement(id)}>{ lang.pick("Изменить", "Edit") }</Link> }
                            </p>
                        </ProcurementCard>
                    }
                }) }
            </div>
        </>
    }
}
