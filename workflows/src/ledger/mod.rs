//! The double-entry ledger: the only way money moves.
//!
//! A movement is a balanced set of legs across accounts, posted in the caller's database
//! transaction with a unique idempotency key: posting the same key twice has the effect of one
//! post, and no account but the bank mirror may go below zero.

mod account;
mod history;
mod post;

pub use account::Account;
pub use history::{BalanceSummary, TransactionFilter, UserTransaction, balance_of, summary_of, transactions_of};
pub use post::{Leg, Movement, Posted, post, post_all};

/// What users see a movement as (the original product's transaction types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionType {
    Deposit,
    Withdrawal,
    ProcurementJoin,
    ProcurementRefund,
    Transfer,
    Bonus,
}

crate::transition::named_enum!(TransactionType, "transaction" {
    Deposit => "deposit",
    Withdrawal => "withdrawal",
    ProcurementJoin => "procurement_join",
    ProcurementRefund => "procurement_refund",
    Transfer => "transfer",
    Bonus => "bonus",
});

impl TransactionType {
    pub const ALL: [TransactionType; 6] =
        [Self::Deposit, Self::Withdrawal, Self::ProcurementJoin, Self::ProcurementRefund, Self::Transfer, Self::Bonus];
}
