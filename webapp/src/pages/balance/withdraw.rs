//! Taking money off the balance to a bank account: the amount is held at once and paid out by
//! a job (returned to the balance if the bank refuses; the person is told either way).

use crate::api::payments::{self, Recipient};
use crate::i18n::{Lang, use_lang};
use web_kit::ApiError;
use web_kit::components::{Alert, Notice};
use web_kit::display;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub user_id: i64,
    pub on_held: Callback<()>,
}

fn digits(text: &str, n: usize) -> bool {
    text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with the bank details, before the server is asked.
fn problem(to: &Recipient, lang: Lang) -> Option<&'static str> {
    if !digits(to.account.trim(), 20) {
        Some(lang.pick("Номер счёта — 20 цифр.", "The account number has 20 digits."))
    } else if !digits(to.bic.trim(), 9) {
        Some(lang.pick("БИК — 9 цифр.", "The BIC has 9 digits."))
    } else if to.name.trim().is_empty() {
        Some(lang.pick("Укажите получателя.", "Name the recipient."))
    } else if !(digits(to.inn.trim(), 10) || digits(to.inn.trim(), 12)) {
        Some(lang.pick("ИНН — 10 или 12 цифр.", "The INN has 10 or 12 digits."))
    } else {
        None
    }
}

#[function_component(Withdraw)]
pub fn withdraw(props: &Props) -> Html {
    let lang = use_lang();
    let open = use_state(|| false);
    let amount = use_state(String::new);
    let to = use_state(Recipient::default);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let field = |name: &'static str,
                 label: &'static str,
                 mode: &'static str,
                 value: &str,
                 set: fn(&mut Recipient, String)| {
        let to = to.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let mut next = (*to).clone();
            set(&mut next, input.value());
            to.set(next);
        });
        html! {
            <label class="field">{ label }<input {name} inputmode={mode} autocomplete="off" value={value.to_string()} {oninput} /></label>
        }
    };
    let on_amount = {
        let amount = amount.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            amount.set(input.value());
        })
    };
    let parsed = super::typed_amount(&amount);
    let details_problem = problem(&to, lang);
    let on_submit = {
        let (to, error, done, busy, amount) = (to.clone(), error.clone(), done.clone(), busy.clone(), amount.clone());
        let on_held = props.on_held.clone();
        let user_id = props.user_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(sum) = parsed else { return };
            let recipient = Recipient {
                account: to.account.trim().into(),
                bic: to.bic.trim().into(),
                name: to.name.trim().into(),
                inn: to.inn.trim().into(),
            };
            let (error, done, busy, amount, on_held) =
                (error.clone(), done.clone(), busy.clone(), amount.clone(), on_held.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match payments::withdraw(user_id, sum, &recipient).await {
                    Ok(payment) => {
                        error.set(None);
                        done.set(Some(display::money(payment.amount)));
                        amount.set(String::new());
                        on_held.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <section class="panel" aria-labelledby="withdraw-title">
            <h2 id="withdraw-title">{ lang.pick("Вывести", "Withdraw") }</h2>
            if let Some(sum) = &*done {
                <Notice text={format!("{} {sum}. {}", lang.pick("Заявка на вывод принята:", "Withdrawal requested:"),
                    lang.pick("Сумма удержана и будет отправлена в банк.", "The amount is held and goes to the bank."))} />
            }
            if !*open {
                <button type="button" data-action="open-withdraw" aria-expanded="false" onclick={toggle}>{ lang.pick("Вывести на счёт", "Withdraw to a bank account") }</button>
            } else {
                <form onsubmit={on_submit} novalidate=true>
                    <label class="field">{ lang.pick("Сумма, ₽", "Amount, ₽") }
                        <input name="withdraw_amount" inputmode="decimal" autocomplete="off" value={(*amount).clone()} oninput={on_amount} />
                    </label>
                    { field("account", lang.pick("Счёт получателя (20 цифр)", "Account (20 digits)"), "numeric", &to.account, |r, v| r.account = v) }
                    { field("bic", lang.pick("БИК банка (9 цифр)", "Bank BIC (9 digits)"), "numeric", &to.bic, |r, v| r.bic = v) }
                    { field("name", lang.pick("Получатель", "Recipient"), "text", &to.name, |r, v| r.name = v) }
                    { field("recipient_inn", lang.pick("ИНН получателя", "Recipient's INN"), "numeric", &to.inn, |r, v| r.inn = v) }
                    if let (Some(problem), true) = (details_problem, !to.account.is_empty()) { <p class="hint error">{ problem }</p> }
                    if let Some(e) = &*error { <Alert error={e.clone()} /> }
                    <div class="actions">
                        <button type="submit" data-action="withdraw" disabled={*busy || parsed.is_none() || details_problem.is_some()}>{ lang.pick("Вывести", "Withdraw") }</button>
                        <button type="button" aria-expanded="true" onclick={toggle}>{ lang.pick("Отмена", "Cancel") }</button>
                    </div>
                </form>
            }
        </section>
    }
}
