//! What the bank can tell about a virtual account after the fact: the money movements on it
//! (`list_virtual_transaction`) and a beneficiary's accounts (`list_virtual_account`). The
//! platform asks these when it does not know whether a call of its own took effect.
//!
//! The reference marks the movement list's item shape as uncertain, so every field but the amount
//! is optional here and matching code treats a missing field as "cannot tell".

#[cfg(feature = "client")]
use crate::CyclopsClient;
use crate::rubles;
use crate::wire::Service;
use chrono::{DateTime, FixedOffset, Utc};
use money::Money;
use serde::{Deserialize, Serialize};
#[cfg(feature = "client")]
use workflows::bank::{BankResult, VirtualTransaction};

/// Cyclops lists at most this many items a page.
pub const PER_PAGE: u32 = 1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListVirtualTransactionParams {
    #[serde(default = "first_page")]
    pub page: u32,
    #[serde(default = "per_page")]
    pub per_page: u32,
    pub filters: VirtualTransactionFilters,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VirtualTransactionFilters {
    pub virtual_account: String,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListVirtualTransactionResult {
    #[serde(default)]
    pub virtual_transactions: Vec<VirtualTransactionWire>,
}

/// One movement of money on a virtual account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VirtualTransactionWire {
    #[serde(default)]
    pub id: String,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(default)]
    pub incoming: bool,
    /// `cash_add`, `cash_write_off`, `block_add`, … (open set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// The transfer between virtual accounts this movement belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_id: Option<String>,
    /// The payment (incoming money or a payout) this movement belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_id: Option<String>,
    /// The other virtual account of a transfer between virtual accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty_virtual_account: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListVirtualAccountParams {
    #[serde(default = "first_page")]
    pub page: u32,
    #[serde(default = "per_page")]
    pub per_page: u32,
    #[serde(default)]
    pub filters: VirtualAccountFilters,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VirtualAccountFilters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<BeneficiaryFilter>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BeneficiaryFilter {
    pub id: String,
}

/// Ids only.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListVirtualAccountResult {
    #[serde(default)]
    pub virtual_accounts: Vec<String>,
}

fn first_page() -> u32 {
    1
}

fn per_page() -> u32 {
    PER_PAGE
}

#[cfg(feature = "client")]
impl From<VirtualTransactionWire> for VirtualTransaction {
    fn from(w: VirtualTransactionWire) -> Self {
        Self {
            id: w.id,
            amount: w.amount,
            incoming: w.incoming,
            operation_type: w.operation_type,
            created_at: w.created_at.map(|at| at.with_timezone(&Utc)),
            transfer_id: w.transfer_id,
            payment_id: w.payment_id,
            counterparty: w.counterparty_virtual_account,
        }
    }
}

#[cfg(feature = "client")]
impl CyclopsClient {
    pub(super) async fn list_virtual_transactions(
        &self,
        virtual_account: &str,
        since: DateTime<Utc>,
    ) -> BankResult<Vec<VirtualTransaction>> {
        // The filter takes a date; the bank's dates are Moscow's.
        let moscow = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
        let from = since.with_timezone(&moscow).date_naive().format("%Y-%m-%d").to_string();
        let mut all = Vec::new();
        for page in 1.. {
            let params = ListVirtualTransactionParams {
                page,
                per_page: PER_PAGE,
                filters: VirtualTransactionFilters {
                    virtual_account: virtual_account.into(),
                    created_date_from: Some(from.clone()),
                    incoming: None,
                },
            };
            let listed: ListVirtualTransactionResult =
                self.rpc.call(Service::CyclopsV2, "list_virtual_transaction", params).await?;
            let full = listed.virtual_transactions.len() >= PER_PAGE as usize;
            all.extend(listed.virtual_transactions.into_iter().map(VirtualTransaction::from));
            if !full {
                break;
            }
        }
        Ok(all)
    }

    pub(super) async fn list_virtual_accounts(&self, beneficiary_id: &str) -> BankResult<Vec<String>> {
        let mut all = Vec::new();
        for page in 1.. {
            let params = ListVirtualAccountParams {
                page,
                per_page: PER_PAGE,
                filters: VirtualAccountFilters { beneficiary: Some(BeneficiaryFilter { id: beneficiary_id.into() }) },
            };
            let listed: ListVirtualAccountResult =
                self.rpc.call(Service::CyclopsV2, "list_virtual_account", params).await?;
            let full = listed.virtual_accounts.len() >= PER_PAGE as usize;
            all.extend(listed.virtual_accounts);
            if !full {
                break;
            }
        }
        Ok(all)
    }
}
