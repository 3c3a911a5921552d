use super::fixed::{Amount, PositiveAmount};
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::payments::{Payment, Requisites};

/// A deposit, withdrawal or procurement payment.
#[derive(Object)]
pub struct PaymentOut {
    pub id: i64,
    pub user: i64,
    pub payment_type: String,
    pub amount: Amount,
    /// `pending`, `waiting_for_capture`, `succeeded`, `cancelled` or `refunded`.
    pub status: String,
    pub status_display: String,
    /// The bank's id of the money, once it arrived.
    #[oai(nullable)]
    pub external_id: Option<String>,
    /// The code that matches a bank transfer to this deposit (it must appear in the purpose).
    pub order_id: String,
    pub provider: String,
    /// With the sandbox bank, a page where the deposit can be "paid"; empty with the real bank.
    pub confirmation_url: String,
    #[oai(nullable)]
    pub procurement: Option<i64>,
    pub description: String,
    #[oai(nullable)]
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub fn status_display(status: &str) -> &'static str {
    match status {
        "pending" => "Ожидает оплаты",
        "waiting_for_capture" => "Оплачено, ожидает списания",
        "succeeded" => "Успешно",
        "cancelled" => "Отменено",
        "refunded" => "Возвращено",
        _ => "",
    }
}

impl From<Payment> for PaymentOut {
    fn from(p: Payment) -> Self {
        Self {
            status_display: status_display(&p.status).into(),
            id: p.id,
            user: p.user_id,
            payment_type: p.payment_type,
            amount: p.amount.into(),
            status: p.status,
            external_id: p.external_id,
            order_id: p.order_id,
            provider: p.provider,
            confirmation_url: p.confirmation_url,
            procurement: p.procurement_id,
            description: p.description,
            paid_at: p.paid_at,
            created_at: p.created_at,
        }
    }
}

/// How a deposit is paid.
#[derive(poem_openapi::Enum, Clone, Copy, PartialEq, Eq, Default)]
#[oai(rename_all = "snake_case")]
pub enum DepositMethod {
    /// A bank transfer with the requisites and the order code in the purpose.
    #[default]
    Transfer,
    /// A QR code paid from any bank's app through the Faster Payments System.
    Sbp,
}

/// A new deposit: pay it by bank transfer with the returned requisites, or by SBP QR code.
#[derive(Object)]
pub struct DepositIn {
    pub user_id: i64,
    pub amount: PositiveAmount,
    #[oai(nullable, validator(max_length = 500), deserialize_with = "crate::wire::strict")]
    pub description: Option<String>,
    /// The payer's INN (12 digits), needed once: the bank opens their account under it.
    #[oai(nullable, validator(max_length = 12), deserialize_with = "crate::wire::strict")]
    pub inn: Option<String>,
    /// `transfer` (default) or `sbp`.
    #[oai(default, nullable)]
    pub method: DepositMethod,
}

/// Where and how to pay a deposit.
#[derive(Object)]
pub struct RequisitesOut {
    pub recipient_account: String,
    pub bic: String,
    pub bank_name: String,
    pub recipient_name: String,
    pub amount: Amount,
    /// Copy it whole into the transfer's purpose: it carries the order code.
    pub purpose: String,
}

impl From<Requisites> for RequisitesOut {
    fn from(r: Requisites) -> Self {
        Self {
            recipient_account: r.recipient_account,
            bic: r.bic,
            bank_name: r.bank_name,
            recipient_name: r.recipient_name,
            amount: r.amount.into(),
            purpose: r.purpose,
        }
    }
}

/// An SBP QR code to pay a deposit with.
#[derive(Object)]
pub struct SbpQrOut {
    pub qrcode_id: String,
    /// What the code encodes: a link a phone's banking app opens (also `confirmation_url`).
    pub url: String,
    pub image_media_type: String,
    pub image_base64: String,
}

#[derive(Object)]
pub struct DepositOut {
    #[oai(flatten)]
    pub payment: PaymentOut,
    pub requisites: RequisitesOut,
    /// With `method: sbp`.
    #[oai(nullable)]
    pub sbp: Option<SbpQrOut>,
}

/// A payment's state (what the bots poll).
#[derive(Object)]
pub struct PaymentStatusOut {
    pub id: i64,
    pub status: String,
    pub status_display: String,
    pub amount: Amount,
    pub provider: String,
    #[oai(nullable)]
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Bank details to pay a withdrawal to.
#[derive(Object)]
pub struct RecipientIn {
    /// 20 digits.
    #[oai(validator(max_length = 20), deserialize_with = "crate::wire::strict")]
    pub account: String,
    /// 9 digits.
    #[oai(validator(max_length = 9), deserialize_with = "crate::wire::strict")]
    pub bic: String,
    #[oai(validator(min_length = 1, max_length = 200), deserialize_with = "crate::wire::strict")]
    pub name: String,
    #[oai(validator(max_length = 12), deserialize_with = "crate::wire::strict")]
    pub inn: String,
    #[oai(nullable, validator(max_length = 9), deserialize_with = "crate::wire::strict")]
    pub kpp: Option<String>,
}

/// Take money off the balance to a bank account.
#[derive(Object)]
pub struct WithdrawalIn {
    pub user_id: i64,
    pub amount: PositiveAmount,
    pub recipient: RecipientIn,
}
