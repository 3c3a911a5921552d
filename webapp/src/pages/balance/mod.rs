//! `/balance`: the balance, a deposit (requisites, the sandbox bank's payment page or an SBP QR
//! code, then the credited balance as soon as the bank's money is matched), a withdrawal to a
//! bank account, and the history of movements.

mod deposit;
mod history;
mod withdraw;

use crate::account::use_account;
use crate::i18n::use_lang;
use web_kit::display;
use yew::prelude::*;

/// An amount as a person types it ("1 500", "200,50 ₽") in kopecks, if positive.
pub fn typed_amount(text: &str) -> Option<money::Money> {
    money::parse_typed_amount(text).ok().filter(|k| *k > 0).map(money::Money::from_hundredths)
}

#[function_component(BalancePage)]
pub fn page() -> Html {
    let lang = use_lang();
    let account = use_account();
    // When money last moved (ms), so the history reads itself again; a time rather than a
    // counter, which a callback made renders ago would bump from a stale value.
    let moved = use_state(|| 0_u64);
    let Some(me) = account.me.clone() else { return html! {} };
    let on_moved = {
        let moved = moved.clone();
        let reload = account.reload.clone();
        Callback::from(move |()| {
            reload.emit(());
            moved.set(js_sys::Date::now() as u64);
        })
    };
    html! {
        <>
            <h1>{ lang.pick("Баланс", "Balance") }</h1>
            <p class="panel balance-figure">
                <span class="muted">{ lang.pick("На балансе", "Your balance") }</span>
                <strong data-balance={me.balance.to_string()}>{ display::money(me.balance) }</strong>
            </p>
            <div class="money-forms">
                <deposit::Deposit user_id={me.id} on_credited={on_moved.clone()} />
                <withdraw::Withdraw user_id={me.id} on_held={on_moved} />
            </div>
            <history::History version={*moved} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::typed_amount;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(typed_amount("1 500").map(|m| m.hundredths()), Some(150_000));
        assert_eq!(typed_amount("200,50 ₽").map(|m| m.hundredths()), Some(20_050));
        assert_eq!(typed_amount("0"), None);
        assert_eq!(typed_amount("abc"), None);
    }
}
