//! What the platform tells the bank and hears back, in our own terms (money in kopecks, ids as
//! the bank's opaque strings: payment ids are not UUIDs).

use crate::Money;
use chrono::{DateTime, Utc};

/// Who a beneficiary (the owner of virtual accounts) is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewBeneficiary {
    /// A natural person or self-employed (v3 `create_beneficiary`, legal type `F`).
    NaturalPerson(PersonBeneficiary),
    /// A sole proprietor, ИП (v3 `create_beneficiary`, legal type `I`).
    SoleProprietor(PersonBeneficiary),
    /// A company (v2 `create_beneficiary_ul`).
    LegalEntity(LegalEntityBeneficiary),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonBeneficiary {
    /// 12 digits with a valid checksum.
    pub inn: String,
    pub registration_address: String,
    pub tax_resident: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalEntityBeneficiary {
    /// 10 digits.
    pub inn: String,
    pub name: String,
    pub kpp: String,
    pub ogrn: Option<String>,
}

/// A virtual account's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualAccountBalance {
    pub virtual_account: String,
    /// Available money.
    pub cash: Money,
    /// Reserved by deals created but not yet executed.
    pub blocked_cash: Money,
}

/// One virtual account's share of an identified payment, or its balance after one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAmount {
    pub virtual_account: String,
    pub amount: Money,
}

/// A payment as the bank sees it: incoming money to the nominal account, or a payout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPayment {
    pub id: String,
    pub amount: Money,
    pub purpose: String,
    /// The bank's `type`: `incoming`, `incoming_sbp`, `incoming_unrecognized`, `refund`, … (open set).
    pub kind: String,
    /// The bank's `status`: `NEW`, `PAID`, `CANCELED`, … (open set).
    pub status: String,
    pub incoming: bool,
    pub identified: bool,
    /// The SBP QR code it paid, for `incoming_sbp` (the purpose is the bank's then, not ours).
    pub qrcode_id: Option<String>,
    pub payer_name: Option<String>,
    pub payer_account: Option<String>,
    pub payer_bank_code: Option<String>,
    pub payer_inn: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// One movement of money on a virtual account, as the bank lists it (everything but the amount
/// may be missing: see `cyclops::ledger_lists`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualTransaction {
    pub id: String,
    pub amount: Money,
    pub incoming: bool,
    /// `cash_add`, `cash_write_off`, `block_add`, … (open set).
    pub operation_type: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The transfer between virtual accounts this movement belongs to.
    pub transfer_id: Option<String>,
    /// The payment (incoming money or a payout) this movement belongs to.
    pub payment_id: Option<String>,
    /// The other virtual account of a transfer.
    pub counterparty: Option<String>,
}

impl IncomingPayment {
    /// Only these types can still be identified; after ~30 minutes unidentified the bank retypes
    /// the payment to `incoming_unrecognized`, and then only `refund_payment` can return it.
    pub fn can_be_identified(&self) -> bool {
        !self.identified && matches!(self.kind.as_str(), "incoming" | "incoming_sbp" | "incoming_by_sbp_v2")
    }

    pub fn is_sbp(&self) -> bool {
        self.kind.contains("sbp")
    }
}

/// Bank details of a payout's recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankRequisites {
    /// 20 digits.
    pub account: String,
    /// BIC, 9 digits.
    pub bank_code: String,
    pub name: String,
    pub inn: String,
    pub kpp: Option<String>,
}

/// A deal: money blocked on payers' virtual accounts and paid out to recipients on execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeal {
    /// Our idempotency key: a second `create_deal` with it fails with `DealExists`.
    pub ext_key: String,
    pub payers: Vec<AccountAmount>,
    pub recipients: Vec<DealRecipient>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealRecipient {
    /// Unique within the deal, from 1.
    pub number: u32,
    pub amount: Money,
    pub payout: RecipientPayout,
}

/// How a deal recipient gets its money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientPayout {
    /// A bank transfer by requisites (`payment_contract`): the organizer or a supplier.
    PaymentContract { requisites: BankRequisites, purpose: String },
    /// The platform's fee, to the platform's own account (`commission`).
    Commission { purpose: Option<String> },
    /// An SBP transfer by phone (`payment_contract_by_sbp`); `bank_sbp_id` from `list_bank_sbp`.
    Sbp {
        first_name: String,
        last_name: String,
        middle_name: Option<String>,
        /// `7XXXXXXXXXX`
        phone_number: String,
        bank_sbp_id: String,
        /// At most 140 characters.
        purpose: String,
    },
}

/// A deal as the bank reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deal {
    pub id: String,
    pub ext_key: Option<String>,
    pub amount: Money,
    /// `new`, `in_process`, `partial`, `closed`, `rejected`, `correction`, … (open set).
    pub status: String,
    pub recipients: Vec<DealRecipientState>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealRecipientState {
    pub number: u32,
    pub amount: Money,
    /// The recipient `type`: `payment_contract`, `commission`, … (open set).
    pub kind: String,
    /// `new`, `in_process`, `success`, `reject`, … (open set).
    pub status: String,
    pub payment_id: Option<String>,
    pub error_reason: Option<String>,
}

/// Money paid out of a virtual account to bank details (`refund_virtual_account`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub virtual_account: String,
    pub amount: Money,
    pub recipient: BankRequisites,
    pub purpose: Option<String>,
    /// Our idempotency key; the sandbox answers a repeat with the first payout's payment id.
    pub ext_key: String,
}

/// An SBP QR code for a top-up: whoever pays it sends money to the nominal account, and the payment
/// shows up as `incoming_sbp` with this `id` as its `qrcode_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbpQrCode {
    pub id: String,
    /// What the QR code encodes (a link a phone's banking app opens).
    pub url: String,
    pub image_media_type: String,
    pub image_base64: String,
}
