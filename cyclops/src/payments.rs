//! Incoming money on the nominal account: listing, reading, identifying onto virtual accounts,
//! and returning what cannot be identified.

#[cfg(feature = "client")]
use crate::CyclopsClient;
use crate::rubles;
use crate::wire::Service;
use money::Money;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
#[cfg(feature = "client")]
use workflows::bank::{AccountAmount, BankResult, IncomingPayment};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListPaymentsParams {
    #[serde(default)]
    pub filters: PaymentFilters,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PaymentFilters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identify: Option<bool>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c2b_qr_code_id: Option<String>,
}

/// `list_payments` answers with ids only.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListPaymentsResult {
    #[serde(default)]
    pub payments: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentIdParams {
    pub payment_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetPaymentResult {
    pub payment: PaymentWire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentWire {
    pub id: String,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(default)]
    pub incoming: bool,
    #[serde(default)]
    pub identify: bool,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub qrcode_id: Option<String>,
    #[serde(default)]
    pub deal_id: Option<String>,
    #[serde(default)]
    pub document_number: Option<String>,
    #[serde(default)]
    pub document_date: Option<String>,
    /// ISO-8601 with offset: `2024-12-23T21:25:13.130522+03:00`.
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub payer: Option<Party>,
    #[serde(default)]
    pub recipient: Option<Party>,
}

/// A payer or recipient of a bank payment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Party {
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub bank_code: Option<String>,
    #[serde(default)]
    pub bank_name: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// INN.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// KPP.
    #[serde(default)]
    pub tax_reason_code: Option<String>,
}

#[cfg(feature = "client")]
impl From<PaymentWire> for IncomingPayment {
    fn from(p: PaymentWire) -> Self {
        let payer = p.payer.unwrap_or_default();
        let created_at = p
            .created_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc));
        IncomingPayment {
            id: p.id,
            amount: p.amount,
            purpose: p.purpose,
            kind: p.kind,
            status: p.status,
            incoming: p.incoming,
            identified: p.identify,
            qrcode_id: p.qrcode_id,
            payer_name: payer.name,
            payer_account: payer.account,
            payer_bank_code: payer.bank_code,
            payer_inn: payer.tax_code,
            created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentificationPaymentParams {
    pub payment_id: String,
    pub owners: Vec<Owner>,
}

/// A virtual account and an amount: an owner's share, a payer of a deal, or a new balance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Owner {
    pub virtual_account: String,
    #[serde(with = "rubles")]
    pub amount: Money,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdentificationPaymentResult {
    #[serde(default)]
    pub virtual_accounts: Vec<AccountCash>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountCash {
    pub code: String,
    #[serde(with = "rubles")]
    pub cash: Money,
}

#[cfg(feature = "client")]
impl CyclopsClient {
    pub(super) async fn list_incoming_payments(&self, only_unidentified: bool) -> BankResult<Vec<String>> {
        let filters =
            PaymentFilters { incoming: Some(true), identify: only_unidentified.then_some(false), ..Default::default() };
        let listed: ListPaymentsResult =
            self.rpc.call(Service::CyclopsV2, "list_payments", ListPaymentsParams { filters }).await?;
        Ok(listed.payments)
    }

    pub(super) async fn get_payment(&self, payment_id: &str) -> BankResult<IncomingPayment> {
        let params = PaymentIdParams { payment_id: payment_id.into() };
        let found: GetPaymentResult = self.rpc.call(Service::CyclopsV2, "get_payment", params).await?;
        Ok(found.payment.into())
    }

    pub(super) async fn identify_payment(
        &self,
        payment_id: &str,
        owners: &[(String, Money)],
    ) -> BankResult<Vec<AccountAmount>> {
        let owners = owners.iter().map(|(va, amount)| Owner { virtual_account: va.clone(), amount: *amount }).collect();
        let params = IdentificationPaymentParams { payment_id: payment_id.into(), owners };
        let done: IdentificationPaymentResult =
            self.rpc.call(Service::CyclopsV2, "identification_payment", params).await?;
        Ok(done
            .virtual_accounts
            .into_iter()
            .map(|a| AccountAmount { virtual_account: a.code, amount: a.cash })
            .collect())
    }

    pub(super) async fn refund_payment(&self, payment_id: &str) -> BankResult<()> {
        let params = PaymentIdParams { payment_id: payment_id.into() };
        let _: IgnoredAny = self.rpc.call(Service::CyclopsV2, "refund_payment", params).await?;
        Ok(())
    }
}
