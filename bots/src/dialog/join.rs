//! Joining a procurement: one question, the quantity.

use serde::{Deserialize, Serialize};

use super::{Ctx, Input, Step, intercept};
use crate::model::ProcurementView;
use crate::quantity::{MAX_QUANTITY, Quantity, QuantityError};
use crate::reply::Reply;
use crate::texts::procurement as t;

/// Waiting for the quantity; keeps what is needed to price the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinState {
    pub procurement_id: i64,
    pub unit: String,
    pub price_per_unit: Option<i64>,
}

/// What to send to the join endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub procurement_id: i64,
    pub quantity: Quantity,
    /// quantity × price, in kopecks, when the procurement has a unit price.
    /// The original silently assumed 100 ₽ per unit otherwise; we leave the
    /// amount to the server instead of inventing one.
    pub amount: Option<i64>,
}

/// Starts the dialog, or explains why this procurement cannot be joined.
pub fn start(p: &ProcurementView, ctx: &Ctx) -> Result<(JoinState, Reply), Reply> {
    if !p.can_join {
        return Err(Reply::text(t::join_closed(ctx.lang)));
    }
    let state = JoinState { procurement_id: p.id, unit: p.unit.clone(), price_per_unit: p.price_per_unit };
    let reply = Reply::text(t::ask_quantity(&state.unit, state.price_per_unit, ctx.lang));
    Ok((state, reply))
}

pub fn step(state: JoinState, input: &Input, ctx: &Ctx) -> Step<JoinState, JoinRequest> {
    if let Some(step) = intercept(input, ctx.lang) {
        return step;
    }
    let lang = ctx.lang;
    let Input::Text(text) = input else {
        let reply = Reply::text(t::ask_quantity(&state.unit, state.price_per_unit, lang));
        return Step::ask(state, reply);
    };
    let quantity = match Quantity::parse(text) {
        Ok(q) => q,
        Err(QuantityError::TooLarge) => {
            return Step::ask(state, Reply::text(t::quantity_too_large(MAX_QUANTITY, lang)));
        }
        Err(_) => return Step::ask(state, Reply::text(t::invalid_quantity(lang))),
    };
    let amount = match state.price_per_unit {
        None => None,
        Some(price) => match quantity.cost(price) {
            Some(amount) => Some(amount),
            // only reachable with an absurd unit price; treat as too much
            None => {
                return Step::ask(state, Reply::text(t::quantity_too_large(MAX_QUANTITY, lang)));
            }
        },
    };
    Step::Done(JoinRequest { procurement_id: state.procurement_id, quantity, amount })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::Callback;
    use crate::dialog::test_support::{cont, ctx, done, text};

    fn state(price: Option<i64>) -> JoinState {
        JoinState { procurement_id: 9, unit: "кг".into(), price_per_unit: price }
    }

    fn view(can_join: bool) -> ProcurementView {
        ProcurementView {
            id: 9,
            title: "Мёд".into(),
            description: "Алтайский мёд".into(),
            organizer_name: "Иван".into(),
            category_name: None,
            city: "Барнаул".into(),
            target_amount: 100_000,
            current_amount: 0,
            participant_count: 0,
            unit: "кг".into(),
            price_per_unit: Some(80_000),
            deadline: "2030-01-01T00:00:00Z".into(),
            status: "active".into(),
            stop_at_amount: None,
            can_join,
            progress: 0,
        }
    }

    #[test]
    fn start_requires_an_open_procurement() {
        let (state, reply) = start(&view(true), &ctx()).unwrap();
        assert_eq!(state, state_with_price());
        assert!(reply.text.contains("800,00 ₽"));
        let closed = start(&view(false), &ctx()).unwrap_err();
        assert!(closed.text.contains("нельзя"));
    }

    fn state_with_price() -> JoinState {
        state(Some(80_000))
    }

    #[test]
    fn accepts_whole_and_fractional_quantities() {
        for (input, hundredths, amount) in [("2", 200, 160_000), ("1,5", 150, 120_000), ("1.5", 150, 120_000)] {
            let req = done(step(state_with_price(), &text(input), &ctx()));
            assert_eq!(req.procurement_id, 9);
            assert_eq!(req.quantity.hundredths(), hundredths, "{input}");
            assert_eq!(req.amount, Some(amount), "{input}");
        }
    }

    #[test]
    fn without_a_price_the_amount_is_left_to_the_server() {
        let req = done(step(state(None), &text("3"), &ctx()));
        assert_eq!(req.amount, None);
    }

    #[test]
    fn rejects_zero_negative_and_words() {
        for bad in ["0", "-1", "0,00", "два", "", "1,555"] {
            let (s, reply) = cont(step(state_with_price(), &text(bad), &ctx()));
            assert_eq!(s, state_with_price());
            assert!(reply.text.contains("больше нуля"), "{bad}: {}", reply.text);
        }
    }

    #[test]
    fn rejects_huge_quantities_and_prices() {
        let (_, reply) = cont(step(state_with_price(), &text("2000000"), &ctx()));
        assert!(reply.text.contains("Слишком большое"));
        let (_, reply) = cont(step(state(Some(i64::MAX)), &text("2"), &ctx()));
        assert!(reply.text.contains("Слишком большое"));
    }

    #[test]
    fn a_button_press_repeats_the_question() {
        let (s, reply) = cont(step(state_with_price(), &Input::Callback(Callback::Skip), &ctx()));
        assert_eq!(s, state_with_price());
        assert!(reply.text.starts_with("Сколько"));
    }
}
