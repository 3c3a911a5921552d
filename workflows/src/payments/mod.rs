//! Money in and out through the bank: deposits paid by bank transfer to the nominal account and
//! identified onto the payer's virtual account by reconciliation, payouts (withdrawals) and
//! transfers between virtual accounts (captures), and the payments list.
//!
//! The bank never pushes: reconciliation polls its incoming payments (a cron tick, or sooner
//! when Tochka's webhook nudges), matches each to a pending deposit by the order code in its
//! purpose, identifies it at the bank and credits the ledger, exactly once per bank payment.

mod accounts;
mod bank_lock;
mod deposit;
pub(crate) mod escrow;
mod matching;
mod model;
pub mod operations;
mod platform;
pub mod reconcile;
mod webhooks;
mod withdrawal;

pub use accounts::virtual_account_of;
pub use deposit::{
    DepositMethod, NewDeposit, PayInto, Requisites, create_deposit, order_code, parse_order_code, requisites,
    start_deposit,
};
pub use model::{Payment, PaymentFilter, get, list};
pub use platform::{configure_operator, platform_account, sandbox_operator};
pub use webhooks::{Recorded, record_webhook};
pub use withdrawal::{NewWithdrawal, create_withdrawal, withdraw};
