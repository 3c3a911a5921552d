//! Payments and balance movements as staff see them: the public shapes with the person's name.

use crate::wire::Amount;
use crate::wire::payment::PaymentOut;
use crate::wire::transaction::TransactionOut;
use poem_openapi::{Enum, Object};
use std::collections::BTreeMap;
use workflows::admin::payments::{PaymentSummary, StaffPayment, Tally};
use workflows::admin::transactions::StaffTransaction;

/// A payment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum PaymentStatusName {
    Pending,
    WaitingForCapture,
    Succeeded,
    Cancelled,
    Refunded,
}

/// What a payment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum PaymentTypeName {
    Deposit,
    Withdrawal,
    ProcurementPayment,
}

/// The stored name of a wire enum value (`waiting_for_capture`).
pub fn stored_name<T: poem_openapi::types::ToJSON>(value: T) -> String {
    value.to_json().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[derive(Object)]
pub struct AdminPaymentOut {
    #[oai(flatten)]
    pub payment: PaymentOut,
    /// The person's full name (or username).
    pub user_name: String,
}

impl From<StaffPayment> for AdminPaymentOut {
    fn from(p: StaffPayment) -> Self {
        Self { payment: p.payment.into(), user_name: p.user_name }
    }
}

#[derive(Object)]
pub struct TallyOut {
    pub count: i64,
    pub total: Amount,
}

impl From<Tally> for TallyOut {
    fn from(t: Tally) -> Self {
        Self { count: t.count, total: t.total.into() }
    }
}

/// The payments the filters select: how many, how much, by status and by type.
#[derive(Object)]
pub struct PaymentSummaryOut {
    pub total_count: i64,
    pub total_amount: Amount,
    pub by_status: BTreeMap<String, TallyOut>,
    pub by_type: BTreeMap<String, TallyOut>,
}

impl From<PaymentSummary> for PaymentSummaryOut {
    fn from(s: PaymentSummary) -> Self {
        Self {
            total_count: s.total.count,
            total_amount: s.total.total.into(),
            by_status: s.by_status.into_iter().map(|(k, v)| (k, v.into())).collect(),
            by_type: s.by_type.into_iter().map(|(k, v)| (k, v.into())).collect(),
        }
    }
}

#[derive(Object)]
pub struct AdminTransactionOut {
    #[oai(flatten)]
    pub transaction: TransactionOut,
    pub user_name: String,
}

impl From<StaffTransaction> for AdminTransactionOut {
    fn from(t: StaffTransaction) -> Self {
        Self { transaction: t.transaction.into(), user_name: t.user_name }
    }
}
