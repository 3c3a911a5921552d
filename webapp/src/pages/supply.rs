//! The supplier's page (`/supply`): the procurements they are attached to, each with what the
//! buyers ordered: quantities and amounts of the current orders, and how much is paid.

use crate::account::use_account;
use crate::api::participants::{OrderStatus, Participant};
use crate::api::procurements::{self, Filter, Listed};
use crate::components::{ProcurementCard, quantity};
use crate::i18n::use_lang;
use money::{Money, Quantity};
use web_kit::components::Alert;
use web_kit::{ApiError, display};
use yew::prelude::*;

/// A procurement with the sums of its orders.
#[derive(Clone, PartialEq)]
struct Supplied {
    procurement: Listed,
    ordered: Quantity,
    ordered_amount: Money,
    paid_amount: Money,
    orders: usize,
}

fn summed(procurement: Listed, orders: &[Participant]) -> Supplied {
    let live: Vec<&Participant> = orders.iter().filter(|o| o.status != OrderStatus::Cancelled).collect();
    let add = |sum: Money, m: Money| sum.checked_add(m).unwrap_or(sum);
    Supplied {
        ordered: live.iter().fold(Quantity::ZERO, |sum, o| sum.checked_add(o.quantity).unwrap_or(sum)),
        ordered_amount: live.iter().fold(Money::ZERO, |sum, o| add(sum, o.amount)),
        paid_amount: live
            .iter()
            .filter(|o| matches!(o.status, OrderStatus::Paid | OrderStatus::Delivered))
            .fold(Money::ZERO, |sum, o| add(sum, o.amount)),
        orders: live.len(),
        procurement,
    }
}

async fn load(supplier: i64) -> Result<Vec<Supplied>, ApiError> {
    let page = procurements::list(&Filter { supplier: supplier.to_string(), ..Filter::default() }).await?;
    let mut out = Vec::with_capacity(page.results.len());
    for p in page.results {
        let detail = procurements::get(p.id).await?;
        out.push(summed(p, &detail.participants));
    }
    Ok(out)
}

#[function_component(SupplyPage)]
pub fn page() -> Html {
    let lang = use_lang();
    let account = use_account();
    let list = use_state(|| None::<Vec<Supplied>>);
    let error = use_state(|| None::<ApiError>);
    {
        let (list, error) = (list.clone(), error.clone());
        use_effect_with(account.user_id(), move |me| {
            if let Some(me) = *me {
                wasm_bindgen_futures::spawn_local(async move {
                    match load(me).await {
                        Ok(items) => list.set(Some(items)),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }
    html! {
        <>
            <h1>{ lang.pick("Поставки", "Supplies") }</h1>
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            { match &*list {
                None if error.is_none() => html! { <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p> },
                Some(items) if items.is_empty() => html! {
                    <p class="empty">{ lang.pick("Вас пока не указали поставщиком ни в одной закупке.", "No procurement names you as its supplier yet.") }</p>
                },
                None => html! {},
                Some(items) => html! {
                    <div class="cards" data-list="supplied">
                        { for items.iter().map(|s| html! {
                            <ProcurementCard key={s.procurement.id} item={s.procurement.clone()}>
                                <dl class="facts supply-facts">
                                    <div><dt>{ lang.pick("Заказано", "Ordered") }</dt><dd data-field="ordered">{ format!("{} {}", quantity(lang, s.ordered), s.procurement.unit) }</dd></div>
                                    <div><dt>{ lang.pick("Заказов", "Orders") }</dt><dd>{ s.orders }</dd></div>
                                    <div><dt>{ lang.pick("На сумму", "Worth") }</dt><dd data-field="ordered-amount">{ display::money(s.ordered_amount) }</dd></div>
                                    <div><dt>{ lang.pick("Оплачено", "Paid") }</dt><dd data-field="paid-amount">{ display::money(s.paid_amount) }</dd></div>
                                </dl>
                            </ProcurementCard>
                        }) }
                    </div>
                },
            } }
        </>
    }
}
