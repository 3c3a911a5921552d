//! One procurement (`/procurements/{id}`): its figures for everyone; joining, leaving and
//! paying for a buyer; participants, lifecycle and the success prediction for its organizer.

mod buyer;
mod facts;
mod organizer;
mod prediction;
mod write;

use crate::account::use_account;
use crate::api::procurements::{self, Detail};
use crate::components::StatusBadge;
use crate::i18n::use_lang;
use crate::route::{Link, Route};
use web_kit::ApiError;
use web_kit::components::Alert;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(ProcurementPage)]
pub fn page(props: &Props) -> Html {
    let lang = use_lang();
    let account = use_account();
    let detail = use_state(|| None::<Detail>);
    let error = use_state(|| None::<ApiError>);
    // Bumped after every write, so the page reads the procurement again.
    let version = use_state(|| 0u32);
    {
        let (detail, error) = (detail.clone(), error.clone());
        use_effect_with((props.id, *version, account.user_id()), move |(id, _, _)| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                match procurements::get(id).await {
                    Ok(d) => {
                        error.set(None);
                        detail.set(Some(d));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let changed = {
        let (version, reload) = (version.clone(), account.reload.clone());
        Callback::from(move |()| {
            version.set(*version + 1);
            // The balance moves when the buyer pays.
            reload.emit(());
        })
    };
    let Some(p) = (*detail).clone() else {
        return match &*error {
            Some(e) => html! { <><h1>{ lang.pick("Закупка", "Procurement") }</h1><Alert error={e.clone()} /></> },
            None => html! { <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p> },
        };
    };
    let is_organizer = account.user_id() == Some(p.organizer);
    let is_member = account.user_id().is_some_and(|me| p.participants.iter().any(|o| o.user == me));
    html! {
        <article class="procurement" data-id={p.id.to_string()} data-status={p.status.code()}>
            <header class="procurement-head">
                <h1>{ &p.title }</h1>
                <StatusBadge status={p.status} />
            </header>
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            <div class="procurement-grid">
                <div class="area-facts"><facts::Facts procurement={p.clone()} /></div>
                <div class="area-side">
                    if is_organizer || is_member {
                        <p><Link to={Route::Chat(p.id)} class={classes!("button-link")}>{ lang.pick("Чат закупки", "Procurement chat") }</Link></p>
                    }
                    if is_organizer {
                        <organizer::OrganizerPanel procurement={p.clone()} on_change={changed.clone()} />
                        <prediction::PredictionPanel id={p.id} />
                    } else if account.me.is_some() {
                        <buyer::BuyerPanel procurement={p.clone()} on_change={changed.clone()} />
                    } else {
                        <section class="panel">
                            <p>{ lang.pick(
                                "Чтобы участвовать, войдите по ссылке из бота GroupBuy (команда /profile) или откройте кабинет в Telegram.",
                                "To take part, sign in with the link from the GroupBuy bot (the /profile command) or open the cabinet in Telegram.",
                            ) }</p>
                        </section>
                    }
                </div>
                if !p.description.is_empty() {
                    <section class="panel description area-description">
                        <h2>{ lang.pick("Описание", "Description") }</h2>
                        <p>{ &p.description }</p>
                    </section>
                }
            </div>
        </article>
    }
}
