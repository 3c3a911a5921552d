//! The run's people, registered through the API as integrations do: organizers known to the
//! bank by their INN, and buyers whose first deposit arrives at the bank and is credited by the
//! platform's own reconciliation.

use super::bank::SandboxBank;
use super::client::{Answer, Api, Who};
use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use workflows::Money;

pub struct Person {
    pub id: i64,
    pub token: String,
    pub inn: String,
}

pub struct People {
    pub organizers: Vec<Person>,
    pub buyers: Vec<Person>,
}

/// What each buyer deposits before the first fault: enough for every order of the run.
pub const FIRST_DEPOSIT: Money = Money::rubles(100_000);

impl People {
    pub async fn register(
        api: &Api,
        bank: &SandboxBank,
        token: impl Fn(i64) -> String,
        organizers: usize,
        buyers: usize,
    ) -> anyhow::Result<Self> {
        let mut people = People { organizers: Vec::new(), buyers: Vec::new() };
        for n in 0..organizers {
            let id = user(api, "organizer").await?;
            let inn = workflows::users::inn::with_check_digits(7_810_000_000 + n as u64);
            let body = json!({ "inn": inn });
            ok(
                api.write(Method::PATCH, &format!("/api/users/{id}/"), Who::Service, &body).await,
                "an organizer's INN",
            )?;
            people.organizers.push(Person { id, token: token(id), inn });
        }
        for n in 0..buyers {
            let id = user(api, "buyer").await?;
            let inn = workflows::users::inn::with_check_digits(7_820_000_000 + n as u64);
            let person = Person { id, token: token(id), inn };
            // The INN with the first deposit opens the buyer's account at the bank.
            let body = json!({ "user_id": id, "amount": FIRST_DEPOSIT.to_string(), "inn": person.inn });
            let created =
                ok(api.write(Method::POST, "/api/payments/", Who::User(&person.token), &body).await, "a deposit")?;
            let purpose = created["requisites"]["purpose"].as_str().context("a deposit without its purpose")?;
            bank.transfer_in(FIRST_DEPOSIT, purpose).await?;
            people.buyers.push(person);
        }
        for buyer in &people.buyers {
            let path = format!("/api/users/{}/balance/", buyer.id);
            super::wait_for("the first deposits to be credited", Duration::from_secs(120), || async {
                let balance = api.read(&path, Who::Service).await.ok();
                balance.and_then(|b| b["balance"].as_str()?.parse::<Money>().ok()) == Some(FIRST_DEPOSIT)
            })
            .await?;
        }
        Ok(people)
    }
}

async fn user(api: &Api, role: &str) -> anyhow::Result<i64> {
    let body = json!({
        "platform": "telegram", "platform_user_id": uuid::Uuid::new_v4().to_string(),
        "first_name": "Хаос", "role": role,
    });
    let created = ok(api.write(Method::POST, "/api/users/", Who::Service, &body).await, "a user")?;
    created["id"].as_i64().context("a user without id")
}

fn ok(answer: Answer, what: &str) -> anyhow::Result<serde_json::Value> {
    match answer {
        Answer::Accepted(body) => Ok(body),
        other => bail!("registering {what} before any fault: {other:?}"),
    }
}
