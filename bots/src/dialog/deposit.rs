//! Topping up the balance with an amount the user types ("Другая сумма").
//! The original only printed the prompt and never read the answer.

use money::{Money, parse_typed_amount};
use serde::{Deserialize, Serialize};

use super::{Ctx, Input, Step, intercept};
use crate::reply::Reply;
use crate::texts::payment as t;

/// The smallest deposit, as in the original prompt.
pub const MIN_DEPOSIT: i64 = Money::rubles(100).kopecks();
/// Our own ceiling for one chat-initiated deposit, so a typo like an extra
/// zero or two does not send someone to pay a fortune.
pub const MAX_DEPOSIT: i64 = Money::rubles(1_000_000).kopecks();

/// Waiting for the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DepositState;

/// The amount to create a payment for, in kopecks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositRequest {
    pub amount: i64,
}

pub fn start(ctx: &Ctx) -> (DepositState, Reply) {
    (DepositState, Reply::text(t::ask_custom_amount(MIN_DEPOSIT, ctx.lang)))
}

pub fn step(state: DepositState, input: &Input, ctx: &Ctx) -> Step<DepositState, DepositRequest> {
    if let Some(step) = intercept(input, ctx.lang) {
        return step;
    }
    let lang = ctx.lang;
    let Input::Text(text) = input else {
        return Step::ask(state, Reply::text(t::ask_custom_amount(MIN_DEPOSIT, lang)));
    };
    match parse_typed_amount(text) {
        Err(e) => Step::ask(state, Reply::text(t::invalid_amount(e, MAX_DEPOSIT, lang))),
        Ok(amount) if amount < MIN_DEPOSIT => Step::ask(state, Reply::text(t::amount_too_small(MIN_DEPOSIT, lang))),
        Ok(amount) if amount > MAX_DEPOSIT => Step::ask(state, Reply::text(t::amount_too_large(MAX_DEPOSIT, lang))),
        Ok(amount) => Step::Done(DepositRequest { amount }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialog::test_support::{cont, ctx, done, text};

    #[test]
    fn accepts_amounts_from_the_minimum() {
        for (input, kopecks) in [
            ("100", 10_000),
            ("1500", 150_000),
            ("1 500", 150_000),
            ("1500,50", 150_050),
            ("1500.50", 150_050),
            ("250 ₽", 25_000),
            ("1000000", 100_000_000),
        ] {
            assert_eq!(done(step(DepositState, &text(input), &ctx())), DepositRequest { amount: kopecks }, "{input}");
        }
    }

    #[test]
    fn rejects_below_minimum_and_above_maximum() {
        let (_, reply) = cont(step(DepositState, &text("99,99"), &ctx()));
        assert_eq!(reply.text, "Минимальная сумма — 100,00 ₽.");
        let (_, reply) = cont(step(DepositState, &text("1000000,01"), &ctx()));
        assert_eq!(reply.text, "Максимальная сумма — 1 000 000,00 ₽.");
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        let (_, reply) = cont(step(DepositState, &text("сто рублей"), &ctx()));
        assert!(reply.text.starts_with("Не удалось распознать сумму"));
        let (_, reply) = cont(step(DepositState, &text("-500"), &ctx()));
        assert!(reply.text.contains("отрицательной"));
        let (_, reply) = cont(step(DepositState, &text("100,123"), &ctx()));
        assert!(reply.text.contains("двух знаков"));
    }

    #[test]
    fn start_prompt_names_the_minimum() {
        let (_, reply) = start(&ctx());
        assert!(reply.text.contains("100,00 ₽"));
    }
}
