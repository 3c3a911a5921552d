use super::enums::TransactionTypeName;
use super::fixed::{Amount, SignedAmount};
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::ledger::UserTransaction;

/// A movement on a user's balance.
#[derive(Object)]
pub struct TransactionOut {
    pub id: i64,
    pub user: i64,
    pub transaction_type: TransactionTypeName,
    /// Negative when money left the balance.
    pub amount: SignedAmount,
    pub balance_after: Amount,
    #[oai(nullable)]
    pub payment: Option<i64>,
    #[oai(nullable)]
    pub procurement: Option<i64>,
    #[oai(nullable)]
    pub procurement_title: Option<String>,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

impl From<UserTransaction> for TransactionOut {
    fn from(t: UserTransaction) -> Self {
        Self {
            id: t.id,
            user: t.user_id,
            transaction_type: t.transaction_type.into(),
            amount: t.amount.into(),
            balance_after: t.balance_after.into(),
            payment: t.payment_id,
            procurement: t.procurement_id,
            procurement_title: t.procurement_title,
            description: t.description,
            created_at: t.created_at,
        }
    }
}

#[derive(Object)]
pub struct TransactionSummary {
    pub user_id: i64,
    pub current_balance: Amount,
    pub total_deposited: Amount,
    /// Withdrawals and procurement payments.
    pub total_withdrawn: Amount,
    pub total_refunded: Amount,
    pub transaction_count: i64,
}
