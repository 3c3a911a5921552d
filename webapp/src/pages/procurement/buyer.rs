//! The buyer's side of a procurement: join with a quantity (the amount shown is the server's
//! rule, price × quantity rounded to the kopeck by the same `money` code, and it is sent along
//! so the server refuses a join whose amount would differ), leave while it is open, and pay
//! the confirmed order from the balance in the payment phase.

use super::write::{Write, use_outcome};
use crate::account::use_account;
use crate::api::participants::{self, OrderStatus, Participant};
use crate::api::procurements::{self, Detail, Status};
use crate::components::{date_time, order_status_code, order_status_name, quantity};
use crate::i18n::{Lang, use_lang};
use crate::route::{Link, Route};
use money::{Money, Quantity};
use web_kit::display;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BuyerProps {
    pub procurement: Detail,
    pub on_change: Callback<()>,
}

/// A quantity or amount as a person types it (`1,5`, `1 500`), in hundredths, by the rules the
/// bots use for typed amounts.
pub fn typed_hundredths(text: &str) -> Option<i64> {
    money::parse_hundredths(text.trim(), money::Syntax::Typed).ok()
}

/// What the join would cost, or why it cannot be sent.
fn join_amount(lang: Lang, p: &Detail, typed: &str, amount: &str) -> Result<(Quantity, Option<Money>, Money), String> {
    let q = typed_hundredths(typed).map(Quantity::from_hundredths).filter(|q| q.is_positive()).ok_or_else(|| {
        lang.pick("Укажите количество больше нуля, например 2 или 1,5", "Enter a quantity above zero, e.g. 2 or 1.5")
            .to_string()
    })?;
    if q.hundredths() < p.min_quantity.hundredths() {
        return Err(format!(
            "{} {} {}",
            lang.pick("Минимальное количество —", "The minimum quantity is"),
            quantity(lang, p.min_quantity),
            p.unit
        ));
    }
    match p.price_per_unit {
        Some(price) => {
            let total = price
                .times(q)
                .ok_or_else(|| lang.pick("Слишком большое количество", "The quantity is too large").to_string())?;
            Ok((q, Some(total), total))
        }
        None => {
            let a =
                typed_hundredths(amount).map(Money::from_hundredths).filter(|a| a.is_positive()).ok_or_else(|| {
                    lang.pick("Укажите сумму заказа в рублях", "Enter the order's amount in roubles").to_string()
                })?;
            Ok((q, Some(a), a))
        }
    }
}

#[function_component(BuyerPanel)]
pub fn buyer_panel(props: &BuyerProps) -> Html {
    let lang = use_lang();
    let account = use_account();
    let typed_quantity = use_state(|| String::from("1"));
    let amount = use_state(String::new);
    let outcome = use_outcome();
    let busy = outcome.busy.clone();
    let p = &props.procurement;
    let Some(me) = account.me.clone() else { return html! {} };
    let mine: Option<Participant> = p.participants.iter().find(|o| o.user == me.id).cloned();

    // Runs one write, then tells the page to read the procurement again.
    let act = {
        let (outcome, on_change) = (outcome.clone(), props.on_change.clone());
        move |done: &'static str, write: Write| outcome.run(done.to_string(), on_change.clone(), write)
    };
    let feedback = outcome.view();

    if let Some(order) = mine {
        let leave = {
            let (act, id, user) = (act.clone(), p.id, me.id);
            let done = lang.pick("Вы вышли из закупки", "You left the procurement");
            Callback::from(move |_: MouseEvent| act(done, Box::pin(procurements::leave(id, user))))
        };
        let pay = {
            let (act, order_id) = (act.clone(), order.id);
            let done = lang.pick("Оплачено с баланса", "Paid from the balance");
            Callback::from(move |_: MouseEvent| {
                act(
                    done,
                    Box::pin(async move { participants::change_status(order_id, OrderStatus::Paid).await.map(|_| ()) }),
                )
            })
        };
        let short = order.amount.checked_sub(me.balance).filter(|m| m.is_positive());
        return html! {
            <section class="panel order" data-order={order.id.to_string()} data-order-status={order_status_code(order.status)}>
                <h2>{ lang.pick("Мой заказ", "My order") }</h2>
                <dl class="facts">
                    <div><dt>{ lang.pick("Количество", "Quantity") }</dt><dd data-field="my-quantity">{ format!("{} {}", quantity(lang, order.quantity), p.unit) }</dd></div>
                    <div><dt>{ lang.pick("Сумма", "Amount") }</dt><dd data-field="my-amount">{ display::money(order.amount) }</dd></div>
                    <div><dt>{ lang.pick("Статус", "Status") }</dt><dd data-field="my-status">{ order_status_name(lang, order.status) }</dd></div>
                </dl>
                { feedback }
                if p.status == Status::Payment && order.status == OrderStatus::Pending {
                    <p class="muted">{ lang.pick("Организатор ещё не подтвердил заказ — оплата откроется после подтверждения.", "The organizer has not confirmed the order yet; payment opens once confirmed.") }</p>
                }
                if p.status == Status::Payment && order.status == OrderStatus::Confirmed {
                    <p>{ format!("{} {}", lang.pick("Баланс:", "Balance:"), display::money(me.balance)) }
                        if let Some(pd) = &p.payment_deadline { { format!(" · {} {}", lang.pick("оплатить до", "pay by"), date_time(lang, pd)) } }
                    </p>
                    if let Some(missing) = short {
                        <p class="warning">{ format!("{} {}. ", lang.pick("Не хватает", "Missing"), display::money(missing)) }
                            <Link to={Route::Balance}>{ lang.pick("Пополнить баланс", "Top up the balance") }</Link></p>
                    }
                    <button type="button" class="primary" data-action="pay" onclick={pay} disabled={*busy}>
                        { format!("{} {}", lang.pick("Оплатить", "Pay"), display::money(order.amount)) }
                    </button>
                }
                if p.status == Status::Active && order.status != OrderStatus::Cancelled {
                    <button type="button" class="danger" data-action="leave" onclick={leave} disabled={*busy}>{ lang.pick("Выйти из закупки", "Leave") }</button>
                }
            </section>
        };
    }
    if !p.can_join {
        return html! {
            <section class="panel">{ feedback }<p class="muted">{ lang.pick("Присоединиться сейчас нельзя: сбор заявок закрыт.", "Joining is closed now.") }</p></section>
        };
    }
    let preview = join_amount(lang, p, &typed_quantity, &amount);
    let on_quantity = {
        let typed_quantity = typed_quantity.clone();
        Callback::from(move |e: InputEvent| typed_quantity.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_amount = {
        let amount = amount.clone();
        Callback::from(move |e: InputEvent| amount.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_join = {
        let (act, id, user, preview) = (act.clone(), p.id, me.id, preview.clone());
        let done = lang.pick("Вы в закупке", "You joined");
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok((q, amount, _)) = preview.clone() {
                act(done, Box::pin(async move { procurements::join(id, user, q, amount).await.map(|_| ()) }));
            }
        })
    };
    html! {
        <form class="panel join" onsubmit={on_join} novalidate=true>
            <h2>{ lang.pick("Участвовать", "Join") }</h2>
            <label class="field">{ format!("{} ({})", lang.pick("Количество", "Quantity"), if p.unit.is_empty() { "шт." } else { &p.unit }) }
                <input name="quantity" inputmode="decimal" value={(*typed_quantity).clone()} oninput={on_quantity}
                    aria-invalid={preview.is_err().to_string()} aria-describedby="join-amount" />
            </label>
            if p.price_per_unit.is_none() {
                <label class="field">{ lang.pick("Сумма, ₽", "Amount, ₽") }
                    <input name="amount" inputmode="decimal" value={(*amount).clone()} oninput={on_amount} />
                </label>
            }
            <p id="join-amount" data-field="join-amount" class={classes!(preview.is_err().then_some("hint-error"))}>
                { match &preview {
                    Ok((_, _, total)) => format!("{} {}", lang.pick("К оплате в фазе оплаты:", "To pay in the payment phase:"), display::money(*total)),
                    Err(why) => why.clone(),
                } }
            </p>
            { feedback }
            <button type="submit" class="primary" data-action="join" disabled={*busy || preview.is_err()}>
                { match &preview {
                    Ok((_, _, total)) => format!("{} {}", lang.pick("Присоединиться за", "Join for"), display::money(*total)),
                    Err(_) => lang.pick("Присоединиться", "Join").to_string(),
                } }
            </button>
        </form>
    }
}
