//! The bank port: what the platform needs from Tochka's Cyclops nominal account, in our types.
//!
//! Money arrives as bank transfers or SBP payments to the platform's nominal account. The bank
//! does not push notifications, so the platform polls `list_incoming_payments` and identifies each
//! payment onto a user's virtual account within minutes. Money leaves through deals (escrow to
//! organizers, suppliers and the platform's commission) or payouts to bank details.
//!
//! The `cyclops` crate's client implements the port over the real wire protocol; the `sandbox`
//! crate serves the same protocol locally.

mod error;
mod types;

pub use error::{BankError, BankResult};
pub use types::{
    AccountAmount, BankRequisites, Deal, DealRecipient, DealRecipientState, IncomingPayment, LegalEntityBeneficiary,
    NewBeneficiary, NewDeal, Payout, PersonBeneficiary, RecipientPayout, SbpQrCode, VirtualAccountBalance,
    VirtualTransaction,
};

use crate::Money;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Tochka's Cyclops as the platform uses it. Object safe: held as `Arc<dyn Bank>`.
#[async_trait::async_trait]
pub trait Bank: Send + Sync {
    /// Health check: the bank answers with the same text.
    async fn echo(&self, text: &str) -> BankResult<String>;

    /// Registers an owner of virtual accounts; returns the beneficiary id.
    async fn create_beneficiary(&self, beneficiary: &NewBeneficiary) -> BankResult<String>;

    /// Opens a `standard` virtual account for a beneficiary; returns its code.
    async fn create_virtual_account(&self, beneficiary_id: &str) -> BankResult<String>;

    async fn get_virtual_account(&self, virtual_account: &str) -> BankResult<VirtualAccountBalance>;

    /// Ids of incoming payments to the nominal account; with `only_unidentified`, those not yet
    /// identified onto virtual accounts.
    async fn list_incoming_payments(&self, only_unidentified: bool) -> BankResult<Vec<String>>;

    async fn get_payment(&self, payment_id: &str) -> BankResult<IncomingPayment>;

    /// Credits an incoming payment to virtual accounts; the owners' amounts must add up to the
    /// payment's amount exactly. Returns the accounts' balances afterwards.
    async fn identify_payment(&self, payment_id: &str, owners: &[(String, Money)]) -> BankResult<Vec<AccountAmount>>;

    /// Sends an unidentified payment back to its payer (money we cannot attribute is never kept).
    async fn refund_payment(&self, payment_id: &str) -> BankResult<()>;

    /// Moves money between two virtual accounts of the nominal account; returns the bank's id of
    /// the transfer when its answer names one. The method takes no idempotency key: a repeat
    /// moves the money again.
    async fn transfer_between_virtual_accounts(
        &self,
        from: &str,
        to: &str,
        amount: Money,
    ) -> BankResult<Option<String>>;

    /// The movements of money on a virtual account on and after the day of `since` (every page).
    async fn list_virtual_transactions(
        &self,
        virtual_account: &str,
        since: DateTime<Utc>,
    ) -> BankResult<Vec<VirtualTransaction>>;

    /// The codes of a beneficiary's virtual accounts.
    async fn list_virtual_accounts(&self, beneficiary_id: &str) -> BankResult<Vec<String>>;

    /// How long after a request was sent the bank may still act on it: past this, a call whose
    /// answer was lost and whose effect the bank does not show did not happen.
    fn answer_window(&self) -> Duration;

    /// Creates a deal and blocks the payers' amounts; returns the deal id.
    async fn create_deal(&self, deal: &NewDeal) -> BankResult<String>;

    /// Pays the deal's recipients out of the blocked money.
    async fn execute_deal(&self, deal_id: &str) -> BankResult<()>;

    async fn get_deal(&self, deal_id: &str) -> BankResult<Deal>;

    /// Cancels a deal still in status `new` and unblocks its money.
    async fn rejected_deal(&self, deal_id: &str) -> BankResult<()>;

    /// Pays money out of a virtual account to bank details; returns the payout's payment id.
    async fn refund_virtual_account(&self, payout: &Payout) -> BankResult<String>;

    /// A QR code a buyer pays by SBP; identify the resulting payment by its `qrcode_id`, since
    /// the bank writes its own purpose for SBP payments.
    async fn generate_sbp_qrcode(&self, amount: Money, purpose: &str) -> BankResult<SbpQrCode>;
}
