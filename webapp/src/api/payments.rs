//! Deposits and withdrawals (`/api/payments/…`).

use super::ApiError;
use money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Payment {
    pub id: i64,
    pub payment_type: String,
    pub amount: Money,
    /// `pending`, `waiting_for_capture`, `succeeded`, `cancelled` or `refunded`.
    pub status: String,
    pub status_display: String,
    pub order_id: String,
    /// The sandbox bank's page where the deposit can be paid; empty with the real bank.
    pub confirmation_url: String,
}

impl Payment {
    /// No longer waiting for money: paid, cancelled or refunded.
    pub fn is_settled(&self) -> bool {
        matches!(self.status.as_str(), "succeeded" | "cancelled" | "refunded")
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Requisites {
    pub recipient_account: String,
    pub bic: String,
    pub bank_name: String,
    pub recipient_name: String,
    pub amount: Money,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SbpQr {
    pub url: String,
    pub image_media_type: String,
    pub image_base64: String,
}

/// A started deposit and how to pay it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Deposit {
    #[serde(flatten)]
    pub payment: Payment,
    pub requisites: Requisites,
    pub sbp: Option<SbpQr>,
}

#[derive(Serialize)]
struct DepositIn<'a> {
    user_id: i64,
    amount: Money,
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    inn: Option<String>,
}

/// Starts a deposit: `method` is `transfer` (requisites) or `sbp` (a QR code); the payer's INN
/// is needed with the first one.
pub async fn deposit(user_id: i64, amount: Money, method: &str, inn: Option<String>) -> Result<Deposit, ApiError> {
    super::post("payments/", &DepositIn { user_id, amount, method, inn }).await
}

/// Where a payment stands now.
pub async fn status(id: i64) -> Result<Payment, ApiError> {
    super::get(&format!("payments/{id}/status/"), &[]).await
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Recipient {
    pub account: String,
    pub bic: String,
    pub name: String,
    pub inn: String,
}

#[derive(Serialize)]
struct WithdrawalIn<'a> {
    user_id: i64,
    amount: Money,
    recipient: &'a Recipient,
}

/// Holds `amount` at once and pays it out to the account by a job.
pub async fn withdraw(user_id: i64, amount: Money, recipient: &Recipient) -> Result<Payment, ApiError> {
    super::post("payments/withdraw/", &WithdrawalIn { user_id, amount, recipient }).await
}
