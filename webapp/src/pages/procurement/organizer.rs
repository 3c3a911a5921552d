//! The organizer's side of their procurement: who takes part and who has paid, confirming or
//! removing an order, marking it delivered, and the lifecycle moves the server allows next.

use super::write::{Write, use_outcome};
use crate::api::participants::{self, OrderStatus, Participant};
use crate::api::procurements::{self, Detail, Status};
use crate::components::{order_status_code, order_status_name, quantity, status_name};
use crate::i18n::{Lang, use_lang};
use crate::route::{Link, Route};
use money::Money;
use web_kit::display;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OrganizerProps {
    pub procurement: Detail,
    pub on_change: Callback<()>,
}

/// The button that moves the procurement to `next`.
fn move_label(lang: Lang, next: Status) -> &'static str {
    match next {
        Status::Active => lang.pick("Опубликовать", "Publish"),
        Status::Stopped => lang.pick("Остановить сбор", "Stop collecting"),
        Status::Payment => lang.pick("Открыть оплату", "Open payment"),
        Status::Completed => lang.pick("Завершить", "Complete"),
        Status::Cancelled => lang.pick("Отменить закупку", "Cancel the procurement"),
        Status::Draft => "",
    }
}

fn confirmed_by_person(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}

#[function_component(OrganizerPanel)]
pub fn organizer_panel(props: &OrganizerProps) -> Html {
    let lang = use_lang();
    let outcome = use_outcome();
    let busy = outcome.busy.clone();
    let p = &props.procurement;

    let run = {
        let (outcome, on_change) = (outcome.clone(), props.on_change.clone());
        move |done: String, write: Write| outcome.run(done, on_change.clone(), write)
    };
    let move_to = |next: Status| {
        let (run, id) = (run.clone(), p.id);
        let done = format!("{}: {}", lang.pick("Статус", "Status"), status_name(lang, next));
        let question = lang.pick(
            "Отменить закупку? Оплаченные доли вернутся участникам.",
            "Cancel the procurement? Paid shares go back to the buyers.",
        );
        Callback::from(move |_: MouseEvent| {
            if next == Status::Cancelled && !confirmed_by_person(question) {
                return;
            }
            run(done.clone(), Box::pin(async move { procurements::change_status(id, next).await.map(|_| ()) }));
        })
    };
    let order_action = |order: &Participant, to: OrderStatus, label: &'static str, action: &'static str| {
        let (run, id) = (run.clone(), order.id);
        let done = format!("{} — {}", order.user_name, order_status_name(lang, to));
        let question = lang.pick("Убрать участника из закупки?", "Remove this participant?");
        html! {
            <button type="button" data-action={action} disabled={*busy} onclick={Callback::from(move |_: MouseEvent| {
                if to == OrderStatus::Cancelled && !confirmed_by_person(question) {
                    return;
                }
                run(done.clone(), Box::pin(async move { participants::change_status(id, to).await.map(|_| ()) }));
            })}>{ label }</button>
        }
    };
    let orders: Vec<&Participant> = p.participants.iter().filter(|o| o.status != OrderStatus::Cancelled).collect();
    let paid: Vec<&&Participant> =
        orders.iter().filter(|o| matches!(o.status, OrderStatus::Paid | OrderStatus::Delivered)).collect();
    let paid_sum = paid.iter().fold(Money::ZERO, |sum, o| sum.checked_add(o.amount).unwrap_or(sum));
    let open = !matches!(p.status, Status::Completed | Status::Cancelled);
    html! {
        <section class="panel organizer" aria-labelledby="organizer-title">
            <h2 id="organizer-title">{ lang.pick("Управление", "Manage") }</h2>
            { outcome.view() }
            <div class="actions" data-list="next-status">
                { for p.status.next().iter().map(|next| html! {
                    <button type="button" data-action={format!("status-{}", next.code())}
                        class={if *next == Status::Cancelled { "danger" } else { "primary" }}
                        disabled={*busy} onclick={move_to(*next)}>{ move_label(lang, *next) }</button>
                }) }
                if open {
                    <Link to={Route::EditProcurement(p.id)} class={classes!("button-link")}>{ lang.pick("Изменить", "Edit") }</Link>
                }
            </div>
            <h3>{ lang.pick("Участники", "Participants") }</h3>
            <p class="muted" data-field="paid-summary">{ format!("{} {} {} {} · {}",
                lang.pick("Оплатили", "Paid"), paid.len(), lang.pick("из", "of"), orders.len(), display::money(paid_sum)) }</p>
            if orders.is_empty() {
                <p class="empty">{ lang.pick("Пока никто не присоединился.", "Nobody has joined yet.") }</p>
            } else {
                <ul class="orders" data-list="participants">
                    { for orders.iter().map(|o| html! {
                        <li data-id={o.id.to_string()} data-status={order_status_code(o.status)}>
                            <span class="who">{ &o.user_name }</span>
                            <span>{ format!("{} {}", quantity(lang, o.quantity), p.unit) }</span>
                            <span>{ display::money(o.amount) }</span>
                            <span class={classes!("order-status", order_status_code(o.status))}>{ order_status_name(lang, o.status) }</span>
                            <span class="row-actions">
                                if o.status == OrderStatus::Pending {
                                    { order_action(o, OrderStatus::Confirmed, lang.pick("Подтвердить", "Confirm"), "confirm") }
                                }
                                if o.status == OrderStatus::Paid && matches!(p.status, Status::Payment | Status::Completed) {
                                    { order_action(o, OrderStatus::Delivered, lang.pick("Выдан", "Delivered"), "deliver") }
                                }
                                if open && matches!(o.status, OrderStatus::Pending | OrderStatus::Confirmed | OrderStatus::Paid) {
                                    { order_action(o, OrderStatus::Cancelled, lang.pick("Убрать", "Remove"), "remove") }
                                }
                            </span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
