//! The sandbox bank's own side, as the run sees it: money arriving from buyers, faults staged on
//! its wire, and its books, which say what each account holds whatever our records claim.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::collections::HashMap;
use workflows::Money;

#[derive(Clone)]
pub struct SandboxBank {
    http: reqwest::Client,
    base: String,
}

impl SandboxBank {
    pub fn new(base: String) -> Self {
        Self { http: reqwest::Client::new(), base }
    }

    /// A buyer's transfer with `purpose` (the deposit's order code) arrives at the nominal account.
    pub async fn transfer_in(&self, amount: Money, purpose: &str) -> anyhow::Result<()> {
        let body = json!({ "amount": amount.to_string(), "purpose": purpose });
        self.post("/sandbox/incoming", &body).await
    }

    /// Stages a fault (see the sandbox's `FaultSpec`).
    pub async fn fault(&self, spec: Value) -> anyhow::Result<()> {
        self.post("/sandbox/faults", &spec).await
    }

    /// How many calls of `method` its staged fault still has to hit (0 once spent).
    pub async fn fault_left(&self, method: &str) -> anyhow::Result<u64> {
        let state: Value = self.http.get(format!("{}/sandbox/state", self.base)).send().await?.json().await?;
        Ok(state["faults"]["pending"][method][1]["calls"].as_u64().unwrap_or(0))
    }

    pub async fn clear_faults(&self) -> anyhow::Result<()> {
        let response = self.http.delete(format!("{}/sandbox/faults", self.base)).send().await?;
        if !response.status().is_success() {
            bail!("clearing the bank's faults: {}", response.status());
        }
        Ok(())
    }

    /// What the bank holds per beneficiary's INN (all its virtual accounts, cash and blocked),
    /// and how many transfers between virtual accounts it has carried out.
    pub async fn books(&self) -> anyhow::Result<Books> {
        let state: Value = self.http.get(format!("{}/sandbox/state", self.base)).send().await?.json().await?;
        let books = &state["books"];
        let inn_of: HashMap<&str, &str> = books["beneficiaries"]
            .as_object()
            .context("the bank's books list no beneficiaries")?
            .iter()
            .filter_map(|(id, b)| Some((id.as_str(), b["inn"].as_str()?)))
            .collect();
        let mut held: HashMap<String, Money> = HashMap::new();
        for account in books["virtual_accounts"].as_object().context("no virtual accounts")?.values() {
            let owner =
                account["beneficiary_id"].as_str().and_then(|id| inn_of.get(id)).context("an orphan account")?;
            let amount =
                money_of(&account["cash"])?.checked_add(money_of(&account["blocked_cash"])?).context("overflow")?;
            let entry = held.entry(owner.to_string()).or_insert(Money::ZERO);
            *entry = entry.checked_add(amount).context("overflow")?;
        }
        // A transfer shows as two movements (out of one account, into another) with its id.
        let transfers = books["journal"]
            .as_array()
            .map_or(0, |journal| journal.iter().filter(|entry| entry[1]["transfer_id"].is_string()).count() / 2);
        Ok(Books { held, transfers })
    }

    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<()> {
        let response = self.http.post(format!("{}{path}", self.base)).json(body).send().await?;
        let status = response.status();
        if !status.is_success() {
            bail!("POST {path}: {status} {}", response.text().await.unwrap_or_default());
        }
        Ok(())
    }
}

pub struct Books {
    pub held: HashMap<String, Money>,
    pub transfers: usize,
}

impl Books {
    pub fn held_by(&self, inn: &str) -> Money {
        self.held.get(inn).copied().unwrap_or(Money::ZERO)
    }
}

fn money_of(value: &Value) -> anyhow::Result<Money> {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    text.parse().map_err(|e| anyhow::anyhow!("the bank wrote {text:?}: {e:?}"))
}
