//! Topping up: the amount and a way to pay (a bank transfer by requisites, or an SBP QR code);
//! then what to pay and where, and the payment's state polled until the money is credited.

use crate::api::payments::{self, Deposit as Started, Payment};
use crate::i18n::use_lang;
use gloo_timers::future::TimeoutFuture;
use std::cell::Cell;
use std::rc::Rc;
use web_kit::ApiError;
use web_kit::components::{Alert, Notice};
use web_kit::display;
use yew::prelude::*;

/// How often the payment's state is asked while waiting for the bank.
const POLL_MS: u32 = 2_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub user_id: i64,
    pub on_credited: Callback<()>,
}

#[function_component(Deposit)]
pub fn deposit(props: &Props) -> Html {
    let lang = use_lang();
    let amount = use_state(String::new);
    let method = use_state(|| "transfer".to_string());
    let inn = use_state(String::new);
    let started = use_state(|| None::<Started>);
    let state = use_state(|| None::<Payment>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    // False once the page is left: the poll stops.
    let alive = use_mut_ref(|| Rc::new(Cell::new(true)));
    {
        let alive = alive.borrow().clone();
        use_effect_with((), move |_| move || alive.set(false));
    }
    let text_input = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            handle.set(input.value());
        })
    };
    let on_method = {
        let method = method.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            method.set(input.value());
        })
    };
    let parsed = super::typed_amount(&amount);
    let on_submit = {
        let (started, state, error, busy) = (started.clone(), state.clone(), error.clone(), busy.clone());
        let (method, inn) = (method.clone(), inn.clone());
        let alive = alive.borrow().clone();
        let on_credited = props.on_credited.clone();
        let user_id = props.user_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(amount) = parsed else { return };
            let (started, state, error, busy) = (started.clone(), state.clone(), error.clone(), busy.clone());
            let (method, inn, alive, on_credited) =
                ((*method).clone(), inn.trim().to_string(), alive.clone(), on_credited.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = payments::deposit(user_id, amount, &method, Some(inn).filter(|i| !i.is_empty())).await;
                busy.set(false);
                let deposit = match answer {
                    Ok(deposit) => deposit,
                    Err(e) => return error.set(Some(e)),
                };
                error.set(None);
                let id = deposit.payment.id;
                state.set(Some(deposit.payment.clone()));
                started.set(Some(deposit));
                // Until the bank's money is matched (or the payment is cancelled).
                while alive.get() {
                    TimeoutFuture::new(POLL_MS).await;
                    if !alive.get() {
                        break;
                    }
                    let Ok(now) = payments::status(id).await else { continue };
                    let settled = now.is_settled();
                    let credited = now.status == "succeeded";
                    state.set(Some(now));
                    if credited {
                        on_credited.emit(());
                    }
                    if settled {
                        break;
                    }
                }
            });
        })
    };
    let again = {
        let (started, state, amount) = (started.clone(), state.clone(), amount.clone());
        Callback::from(move |_: MouseEvent| {
            started.set(None);
            state.set(None);
            amount.set(String::new());
        })
    };
    let amount_problem = (!amount.trim().is_empty() && parsed.is_none()).then(|| {
        lang.pick(
            "Сумма — положительное число, например 1500 или 250,50.",
            "The amount is a positive number, such as 1500 or 250.50.",
        )
    });

    let body = if let Some(deposit) = &*started {
        let now = (*state).clone().unwrap_or_else(|| deposit.payment.clone());
        let r = &deposit.requisites;
        html! {
            <div class="deposit-started" data-payment={now.id.to_string()} data-status={now.status.clone()}>
                if now.status == "succeeded" {
                    <Notice text={format!("{} {}", lang.pick("Зачислено:", "Credited:"), display::money(now.amount))} />
                } else if now.is_settled() {
                    <p role="alert" class="error">{ format!("{} {}", lang.pick("Платёж не прошёл:", "The payment did not go through:"), now.status_display) }</p>
                } else {
                    <p class="muted" role="status">{ lang.pick("Ждём поступления денег… Баланс обновится сам.", "Waiting for the money… The balance updates by itself.") }</p>
                }
                if !now.is_settled() {
                    if let Some(qr) = &deposit.sbp {
                        <figure class="qr">
                            <img src={format!("data:{};base64,{}", qr.image_media_type, qr.image_base64)}
                                alt={lang.pick("QR-код СБП для оплаты", "SBP QR code to pay")} width="220" height="220" />
                            <figcaption>
                                { lang.pick("Отсканируйте в приложении банка или ", "Scan it in your bank's app or ") }
                                <a href={qr.url.clone()} target="_blank" rel="noopener" data-action="pay-qr">{ lang.pick("откройте ссылку", "open the link") }</a>
                            </figcaption>
                        </figure>
                    }
                    if !deposit.payment.confirmation_url.is_empty() && deposit.sbp.is_none() {
                        <p>
                            <a class="button primary" href={deposit.payment.confirmation_url.clone()} target="_blank" rel="noopener" data-action="pay-link">
                                { lang.pick("Оплатить на странице банка", "Pay on the bank's page") }
                            </a>
                        </p>
                    }
                    <dl class="requisites">
                        <dt>{ lang.pick("Получатель", "Recipient") }</dt><dd>{ &r.recipient_name }</dd>
                        <dt>{ lang.pick("Счёт", "Account") }</dt><dd data-field="account">{ &r.recipient_account }</dd>
                        <dt>{ lang.pick("БИК", "BIC") }</dt><dd>{ &r.bic }</dd>
                        <dt>{ lang.pick("Банк", "Bank") }</dt><dd>{ &r.bank_name }</dd>
                        <dt>{ lang.pick("Сумма", "Amount") }</dt><dd>{ display::money(r.amount) }</dd>
                        <dt>{ lang.pick("Назначение", "Purpose") }</dt><dd data-field="purpose"><code>{ &r.purpose }</code></dd>
                    </dl>
                    <p class="muted">{ lang.pick("Скопируйте назначение целиком: в нём код заказа.", "Copy the purpose whole: it carries the order code.") }</p>
                }
                <button type="button" data-action="new-deposit" onclick={again}>{ lang.pick("Новое пополнение", "Another deposit") }</button>
            </div>
        }
    } else {
        html! {
            <form onsubmit={on_submit} novalidate=true>
                <label class="field">
                    { lang.pick("Сумма, ₽", "Amount, ₽") }
                    <input name="amount" inputmode="decimal" autocomplete="off" value={(*amount).clone()} oninput={text_input(&amount)}
                        aria-invalid={amount_problem.is_some().to_string()} />
                </label>
                if let Some(problem) = amount_problem { <p class="hint error">{ problem }</p> }
                <fieldset class="choice">
                    <legend>{ lang.pick("Как оплатить", "How to pay") }</legend>
                    <label><input type="radio" name="method" value="transfer" checked={*method == "transfer"} onchange={on_method.clone()} />{ lang.pick(" Перевод по реквизитам", " Bank transfer") }</label>
                    <label><input type="radio" name="method" value="sbp" checked={*method == "sbp"} onchange={on_method} />{ lang.pick(" QR-код СБП", " SBP QR code") }</label>
                </fieldset>
                <label class="field">
                    { lang.pick("ИНН плательщика (12 цифр, нужен один раз)", "Payer's INN (12 digits, needed once)") }
                    <input name="inn" inputmode="numeric" maxlength="12" autocomplete="off" value={(*inn).clone()} oninput={text_input(&inn)} />
                </label>
                if let Some(e) = &*error { <Alert error={e.clone()} /> }
                <button type="submit" data-action="deposit" disabled={*busy || parsed.is_none()}>{ lang.pick("Пополнить", "Deposit") }</button>
            </form>
        }
    };
    html! {
        <section class="panel" aria-labelledby="deposit-title">
            <h2 id="deposit-title">{ lang.pick("Пополнить", "Deposit") }</h2>
            { body }
        </section>
    }
}
