//! Money, from what the run itself did: every deposit it paid in, every order paid in a
//! procurement that was completed (captured once: out of the buyer's account, into the
//! organizer's less the commission, the commission into the platform's) or cancelled (refunded:
//! back on the buyer's balance, never having left the buyer's account at the bank). Held against
//! each person's balance as the API reports it, and against what the bank's own books say each
//! account holds.

use super::Round;
use crate::chaos::client::Who;
use crate::chaos::people::FIRST_DEPOSIT;
use crate::chaos::record::{COMMISSION, Ending, RoundRecord};
use workflows::Money;

/// What every account should hold, by the run's own accounting.
#[derive(Debug, Clone)]
pub struct Plan {
    pub buyers: Vec<Money>,
    pub organizers: Vec<Money>,
    pub platform: Money,
    /// Captures and refunds the plan counts (for the report).
    pub captures: usize,
    pub refunds: usize,
}

impl Plan {
    pub fn new(buyers: usize, organizers: usize) -> Self {
        Self {
            buyers: vec![FIRST_DEPOSIT; buyers],
            organizers: vec![Money::ZERO; organizers],
            platform: Money::ZERO,
            captures: 0,
            refunds: 0,
        }
    }

    /// This plan with one round's doings added.
    pub fn with(&self, record: &RoundRecord) -> Self {
        let mut plan = self.clone();
        let add = |to: &mut Money, amount: Money| *to = to.checked_add(amount).expect("the run's sums fit");
        for deposit in &record.deposits {
            add(&mut plan.buyers[deposit.buyer], deposit.amount);
        }
        for cycle in &record.cycles {
            for order in &cycle.orders {
                match cycle.ending {
                    Some(Ending::Completed) => {
                        let fee = order.amount.percent(COMMISSION);
                        let net = order.amount.checked_sub(fee).expect("a fee within its amount");
                        let buyer = &mut plan.buyers[order.buyer];
                        *buyer = buyer.checked_sub(order.amount).expect("the run's sums fit");
                        add(&mut plan.organizers[cycle.organizer], net);
                        add(&mut plan.platform, fee);
                        plan.captures += 1;
                    }
                    Some(Ending::Cancelled) => plan.refunds += 1,
                    None => {}
                }
            }
        }
        plan
    }

    /// Every rouble the checks account for: what all accounts hold together.
    pub fn total(&self) -> Money {
        sum(self.buyers.iter().chain(&self.organizers).chain([&self.platform]).copied())
    }

    pub fn accounts(&self) -> usize {
        self.buyers.len() + self.organizers.len() + 1
    }
}

pub async fn check(round: &Round<'_>, plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    let books = match round.cluster.bank.books().await {
        Ok(books) => books,
        Err(e) => return vec![format!("the bank's books: {e}")],
    };
    let people = &round.people;
    let everyone = people.buyers.iter().zip(&plan.buyers).chain(people.organizers.iter().zip(&plan.organizers));
    for (person, want) in everyone {
        let held = books.held_by(&person.inn);
        if held != *want {
            problems.push(format!("user {}: the bank holds {held}, the run paid in and moved {want}", person.id));
        }
        match round.cluster.api.read(&format!("/api/users/{}/balance/", person.id), Who::Service).await {
            Ok(balance) => {
                let got = balance["balance"].as_str().and_then(|b| b.parse::<Money>().ok());
                if got != Some(*want) {
                    let got = got.map_or_else(|| balance["balance"].to_string(), |m| m.to_string());
                    problems.push(format!("user {}: balance {got}, the run expects {want}", person.id));
                }
            }
            Err(e) => problems.push(format!("user {}: balance unreadable: {e}", person.id)),
        }
    }
    let platform = books.held_by(&round.operator_inn);
    if platform != plan.platform {
        problems.push(format!("the platform's account: the bank holds {platform}, commissions were {}", plan.platform));
    }
    problems
}

/// Amounts added up (the run's sums are far from overflowing).
pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Money {
    amounts.into_iter().try_fold(Money::ZERO, |sum, m| sum.checked_add(m)).expect("the run's sums fit")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaos::record::{Cycle, Deposit, Order};

    fn rub(text: &str) -> Money {
        text.parse().unwrap()
    }

    #[test]
    fn a_completed_order_moves_to_the_organizer_less_commission_and_a_cancelled_one_stays() {
        let order = |buyer, amount: &str| Order { buyer, participant: 1, amount: rub(amount) };
        let record = RoundRecord {
            cycles: vec![
                Cycle {
                    organizer: 0,
                    orders: vec![order(0, "300.00"), order(1, "100.00")],
                    ending: Some(Ending::Completed),
                    ..Default::default()
                },
                Cycle {
                    organizer: 0,
                    orders: vec![order(1, "200.00")],
                    ending: Some(Ending::Cancelled),
                    ..Default::default()
                },
            ],
            deposits: vec![Deposit { id: 1, buyer: 1, amount: rub("100.00") }],
            ..Default::default()
        };
        let plan = Plan::new(2, 1).with(&record);
        assert_eq!(plan.buyers, [rub("99700.00"), rub("100000.00")]);
        assert_eq!(plan.organizers, [rub("388.00")]); // 400.00 less 3 %
        assert_eq!(plan.platform, rub("12.00"));
        assert_eq!((plan.captures, plan.refunds), (2, 1));
        // Money only moves between the accounts: what was paid in is all there.
        assert_eq!(plan.total(), rub("200100.00"));
    }
}
