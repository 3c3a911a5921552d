//! The buyer's one screen (`/purchases`): what I buy (procurement, quantity, amount, status),
//! what to pay and by when (with the pay button), what to pick up and where, and what changed
//! lately: one read of the person's orders and procurements, plus the details (payment
//! deadline, pick-up address) of those to pay or pick up.

use crate::account::use_account;
use crate::api::participants::{self, OrderStatus, Participant};
use crate::api::procurements::{self, Detail, Participating, Status};
use crate::components::{StatusBadge, ago, date_time, order_status_name, quantity, status_name};
use crate::i18n::use_lang;
use crate::route::{Link, Route};
use std::collections::HashMap;
use web_kit::components::{Alert, Notice};
use web_kit::{ApiError, display};
use yew::prelude::*;

/// How many recent changes "what changed" lists.
const RECENT: usize = 8;

#[derive(Clone, PartialEq, Default)]
struct Overview {
    buying: Vec<Participating>,
    orders: Vec<Participant>,
    /// Details of the procurements in the payment phase or finished, for deadlines and addresses.
    details: HashMap<i64, Detail>,
}

impl Overview {
    fn order_of(&self, procurement: i64) -> Option<&Participant> {
        self.orders.iter().filter(|o| o.procurement == procurement).max_by_key(|o| o.is_active)
    }
}

async fn load(me: i64) -> Result<Overview, ApiError> {
    let mine = procurements::of_user(me).await?;
    let orders = participants::of_user(me, 1).await?.results;
    let mut details = HashMap::new();
    for p in &mine.participating {
        if matches!(p.procurement.status, Status::Payment | Status::Completed) {
            details.insert(p.procurement.id, procurements::get(p.procurement.id).await?);
        }
    }
    Ok(Overview { buying: mine.participating, orders, details })
}

#[function_component(PurchasesPage)]
pub fn page() -> Html {
    let lang = use_lang();
    let account = use_account();
    let overview = use_state(|| None::<Overview>);
    let error = use_state(|| None::<ApiError>);
    let notice = use_state(|| None::<&'static str>);
    let version = use_state(|| 0u32);
    {
        let (overview, error) = (overview.clone(), error.clone());
        use_effect_with((account.user_id(), *version), move |(me, _)| {
            if let Some(me) = *me {
                wasm_bindgen_futures::spawn_local(async move {
                    match load(me).await {
                        Ok(o) => overview.set(Some(o)),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }
    let Some(o) = (*overview).clone() else {
        return html! {
            <>
                <h1>{ lang.pick("Мои покупки", "My purchases") }</h1>
                if let Some(e) = &*error { <Alert error={e.clone()} /> } else { <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p> }
            </>
        };
    };
    let pay = |order: &Participant| {
        let (id, error, notice, version, reload) =
            (order.id, error.clone(), notice.clone(), version.clone(), account.reload.clone());
        let done = lang.pick("Оплачено с баланса", "Paid from the balance");
        Callback::from(move |_: MouseEvent| {
            let (error, notice, version, reload) = (error.clone(), notice.clone(), version.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match participants::change_status(id, OrderStatus::Paid).await {
                    Ok(_) => {
                        error.set(None);
                        notice.set(Some(done));
                        version.set(*version + 1);
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let to_pay: Vec<(&Participating, &Participant)> = o
        .buying
        .iter()
        .filter(|p| p.procurement.status == Status::Payment)
        .filter_map(|p| o.order_of(p.procurement.id).map(|order| (p, order)))
        .filter(|(_, order)| matches!(order.status, OrderStatus::Pending | OrderStatus::Confirmed))
        .collect();
    let to_pick_up: Vec<(&Participating, &Participant)> = o
        .buying
        .iter()
        .filter_map(|p| o.order_of(p.procurement.id).map(|order| (p, order)))
        .filter(|(p, order)| {
            order.status == OrderStatus::Delivered
                || (order.status == OrderStatus::Paid && p.procurement.status == Status::Completed)
        })
        .collect();
    let mut recent: Vec<&Participant> = o.orders.iter().collect();
    recent.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    let title_of = |id: i64| {
        o.buying
            .iter()
            .find(|p| p.procurement.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.procurement.title.clone())
    };
    let balance = account.me.as_ref().map(|m| m.balance);
    html! {
        <>
            <h1>{ lang.pick("Мои покупки", "My purchases") }</h1>
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            if let Some(text) = *notice { <Notice text={text} /> }
            <section class="panel" aria-labelledby="to-pay">
                <h2 id="to-pay">{ lang.pick("Оплатить", "To pay") }</h2>
                if to_pay.is_empty() {
                    <p class="muted">{ lang.pick("Сейчас платить не нужно.", "Nothing to pay now.") }</p>
                } else {
                    if let Some(b) = balance { <p class="muted">{ format!("{} {}", lang.pick("Баланс:", "Balance:"), display::money(b)) }</p> }
                    <ul class="rows" data-list="to-pay">
                        { for to_pay.iter().map(|(p, order)| {
                            let by = o.details.get(&p.procurement.id).and_then(|d| d.payment_deadline.clone());
                            html! {
                                <li data-id={order.id.to_string()}>
                                    <Link to={Route::Procurement(p.procurement.id)}>{ &p.procurement.title }</Link>
                                    <span>{ display::money(order.amount) }</span>
                                    <span class="muted">{ match by {
                                        Some(by) => format!("{} {}", lang.pick("до", "by"), date_time(lang, &by)),
                                        None => lang.pick("срок не назначен", "no deadline set").into(),
                                    } }</span>
                                    if order.status == OrderStatus::Confirmed {
                                        <button type="button" class="primary" data-action="pay" onclick={pay(order)}>{ lang.pick("Оплатить", "Pay") }</button>
                                    } else {
                                        <span class="muted">{ lang.pick("ждёт подтверждения организатора", "awaiting the organizer's confirmation") }</span>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
            <section class="panel" aria-labelledby="to-pick-up">
                <h2 id="to-pick-up">{ lang.pick("Забрать", "To pick up") }</h2>
                if to_pick_up.is_empty() {
                    <p class="muted">{ lang.pick("Пока нечего забирать.", "Nothing to pick up yet.") }</p>
                } else {
                    <ul class="rows" data-list="to-pick-up">
                        { for to_pick_up.iter().map(|(p, order)| {
                            let address = o.details.get(&p.procurement.id).map(|d| d.delivery_address.clone()).filter(|a| !a.is_empty());
                            html! {
                                <li data-id={order.id.to_string()}>
                                    <Link to={Route::Procurement(p.procurement.id)}>{ &p.procurement.title }</Link>
                                    <span>{ format!("{} {}", quantity(lang, order.quantity), p.procurement.unit) }</span>
                                    <span>{ format!("{}, {}", p.procurement.city, address.unwrap_or_else(|| lang.pick("адрес уточнит организатор", "the organizer will name the address").into())) }</span>
                                    <span class="muted">{ order_status_name(lang, order.status) }</span>
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
            <section class="panel" aria-labelledby="buying">
                <h2 id="buying">{ lang.pick("Что я покупаю", "What I buy") }</h2>
                if o.buying.is_empty() {
                    <p class="muted">{ lang.pick("Вы пока ни в одной закупке. ", "You take part in no procurement yet. ") }
                        <Link to={Route::Catalog}>{ lang.pick("Выбрать закупку", "Find one") }</Link></p>
                } else {
                    <ul class="rows" data-list="buying">
                        { for o.buying.iter().map(|p| {
                            let status = o.order_of(p.procurement.id).map(|order| order_status_name(lang, order.status));
                            html! {
                                <li data-id={p.procurement.id.to_string()}>
                                    <Link to={Route::Procurement(p.procurement.id)}>{ &p.procurement.title }</Link>
                                    <span data-field="my-quantity">{ format!("{} {}", quantity(lang, p.my_quantity), p.procurement.unit) }</span>
                                    <span data-field="my-amount">{ display::money(p.my_amount) }</span>
                                    <StatusBadge status={p.procurement.status} />
                                    if let Some(status) = status { <span class="muted">{ status }</span> }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
            <section class="panel" aria-labelledby="changed">
                <h2 id="changed">{ lang.pick("Что изменилось", "What changed") }</h2>
                if recent.is_empty() {
                    <p class="muted">{ lang.pick("Изменений нет.", "No changes.") }</p>
                } else {
                    <ul class="rows" data-list="changes">
                        { for recent.iter().take(RECENT).map(|order| {
                            let phase = o.buying.iter().find(|p| p.procurement.id == order.procurement).map(|p| status_name(lang, p.procurement.status));
                            html! {
                                <li>
                                    <span class="muted">{ ago(lang, &order.updated_at) }</span>
                                    <Link to={Route::Procurement(order.procurement)}>{ title_of(order.procurement) }</Link>
                                    <span>{ format!("{}: {}", lang.pick("заказ", "order"), order_status_name(lang, order.status)) }</span>
                                    if let Some(phase) = phase { <span class="muted">{ format!("{}: {phase}", lang.pick("закупка", "procurement")) }</span> }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
        </>
    }
}
