//! Deals: money blocked on payers' virtual accounts, then paid out to recipients (organizers,
//! suppliers, the platform's commission) when executed.

use super::payments::Owner;
#[cfg(feature = "client")]
use crate::CyclopsClient;
use crate::rubles;
use crate::wire::Service;
use money::Money;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;
#[cfg(feature = "client")]
use workflows::bank::{BankError, BankResult, Deal, DealRecipientState, NewDeal, RecipientPayout};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateDealParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_key: Option<String>,
    #[serde(with = "rubles")]
    pub amount: Money,
    pub payers: Vec<Owner>,
    pub recipients: Vec<RecipientWire>,
}

/// A recipient as sent: `number`, `amount`, and the fields of its `type`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecipientWire {
    pub number: u32,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(flatten)]
    pub payout: RecipientKindWire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecipientKindWire {
    PaymentContract {
        account: String,
        bank_code: String,
        name: String,
        inn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kpp: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<String>,
    },
    Commission {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<String>,
    },
    PaymentContractBySbp {
        first_name: String,
        last_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        middle_name: Option<String>,
        phone_number: String,
        bank_sbp_id: String,
        purpose: String,
    },
}

impl RecipientKindWire {
    pub fn type_name(&self) -> &'static str {
        match self {
            RecipientKindWire::PaymentContract { .. } => "payment_contract",
            RecipientKindWire::Commission { .. } => "commission",
            RecipientKindWire::PaymentContractBySbp { .. } => "payment_contract_by_sbp",
        }
    }
}

#[cfg(feature = "client")]
impl From<&RecipientPayout> for RecipientKindWire {
    fn from(payout: &RecipientPayout) -> Self {
        match payout.clone() {
            RecipientPayout::PaymentContract { requisites: r, purpose } => RecipientKindWire::PaymentContract {
                account: r.account,
                bank_code: r.bank_code,
                name: r.name,
                inn: r.inn,
                kpp: r.kpp,
                purpose: Some(purpose),
            },
            RecipientPayout::Commission { purpose } => RecipientKindWire::Commission { purpose },
            RecipientPayout::Sbp { first_name, last_name, middle_name, phone_number, bank_sbp_id, purpose } => {
                RecipientKindWire::PaymentContractBySbp {
                    first_name,
                    last_name,
                    middle_name,
                    phone_number,
                    bank_sbp_id,
                    purpose,
                }
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateDealResult {
    pub deal_id: String,
    /// Compliance verdicts per recipient; kept raw, its shape is not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_check_payments: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealIdParams {
    pub deal_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetDealResult {
    pub deal: DealWire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealWire {
    pub id: String,
    #[serde(default)]
    pub ext_key: Option<String>,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub payers: Vec<DealPayerWire>,
    #[serde(default)]
    pub recipients: Vec<DealRecipientWire>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealPayerWire {
    pub virtual_account: String,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(default)]
    pub executed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealRecipientWire {
    pub number: u32,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub executed: bool,
    #[serde(default)]
    pub requisites: Option<Value>,
    #[serde(default)]
    pub payment: Option<DealPaymentWire>,
    #[serde(default)]
    pub error_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealPaymentWire {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

#[cfg(feature = "client")]
impl From<DealWire> for Deal {
    fn from(d: DealWire) -> Self {
        let recipients = d
            .recipients
            .into_iter()
            .map(|r| DealRecipientState {
                number: r.number,
                amount: r.amount,
                kind: r.kind,
                status: r.status,
                payment_id: r.payment.and_then(|p| p.id),
                error_reason: r.error_reason,
            })
            .collect();
        Deal { id: d.id, ext_key: d.ext_key, amount: d.amount, status: d.status, recipients }
    }
}

#[cfg(feature = "client")]
impl CyclopsClient {
    pub(super) async fn create_deal(&self, deal: &NewDeal) -> BankResult<String> {
        let total = deal
            .recipients
            .iter()
            .try_fold(Money::ZERO, |sum, r| sum.checked_add(r.amount))
            .ok_or_else(|| BankError::Request("the deal's amount overflows".into()))?;
        let params = CreateDealParams {
            ext_key: Some(deal.ext_key.clone()),
            amount: total,
            payers: deal
                .payers
                .iter()
                .map(|p| Owner { virtual_account: p.virtual_account.clone(), amount: p.amount })
                .collect(),
            recipients: deal
                .recipients
                .iter()
                .map(|r| RecipientWire { number: r.number, amount: r.amount, payout: (&r.payout).into() })
                .collect(),
        };
        let created: CreateDealResult = self.rpc.call(Service::CyclopsV2, "create_deal", params).await?;
        Ok(created.deal_id)
    }

    pub(super) async fn execute_deal(&self, deal_id: &str) -> BankResult<()> {
        let _: IgnoredAny =
            self.rpc.call(Service::CyclopsV2, "execute_deal", DealIdParams { deal_id: deal_id.into() }).await?;
        Ok(())
    }

    pub(super) async fn get_deal(&self, deal_id: &str) -> BankResult<Deal> {
        let found: GetDealResult =
            self.rpc.call(Service::CyclopsV2, "get_deal", DealIdParams { deal_id: deal_id.into() }).await?;
        Ok(found.deal.into())
    }

    pub(super) async fn rejected_deal(&self, deal_id: &str) -> BankResult<()> {
        let _: IgnoredAny =
            self.rpc.call(Service::CyclopsV2, "rejected_deal", DealIdParams { deal_id: deal_id.into() }).await?;
        Ok(())
    }
}
