//! Money moved out of a virtual account without a deal: to another virtual account, or paid out
//! to bank details.

#[cfg(feature = "client")]
use crate::CyclopsClient;
use crate::rubles;
use crate::wire::Service;
use money::Money;
use serde::{Deserialize, Serialize};
#[cfg(feature = "client")]
use workflows::bank::{BankRequisites, BankResult, Payout};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferParams {
    pub from_virtual_account: String,
    pub to_virtual_account: String,
    #[serde(with = "rubles")]
    pub amount: Money,
}

/// The reference does not give the answer's shape; the sandbox names the transfer, and any other
/// answer is accepted as "done, without an id".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TransferResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundVirtualAccountParams {
    pub virtual_account: String,
    pub recipient: PayoutRecipientWire,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PayoutRecipientWire {
    #[serde(with = "rubles")]
    pub amount: Money,
    pub account: String,
    pub bank_code: String,
    pub name: String,
    pub inn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpp: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundVirtualAccountResult {
    pub payment_id: String,
}

#[cfg(feature = "client")]
impl PayoutRecipientWire {
    pub fn new(amount: Money, requisites: &BankRequisites) -> Self {
        Self {
            amount,
            account: requisites.account.clone(),
            bank_code: requisites.bank_code.clone(),
            name: requisites.name.clone(),
            inn: requisites.inn.clone(),
            kpp: requisites.kpp.clone(),
        }
    }
}

#[cfg(feature = "client")]
impl CyclopsClient {
    pub(super) async fn transfer_between_virtual_accounts(
        &self,
        from: &str,
        to: &str,
        amount: Money,
    ) -> BankResult<Option<String>> {
        let params = TransferParams { from_virtual_account: from.into(), to_virtual_account: to.into(), amount };
        let done: TransferResult =
            self.rpc.call(Service::CyclopsV2, "transfer_between_virtual_accounts", params).await?;
        Ok(done.transfer_id)
    }

    pub(super) async fn refund_virtual_account(&self, payout: &Payout) -> BankResult<String> {
        let params = RefundVirtualAccountParams {
            virtual_account: payout.virtual_account.clone(),
            recipient: PayoutRecipientWire::new(payout.amount, &payout.recipient),
            purpose: payout.purpose.clone(),
            ext_key: Some(payout.ext_key.clone()),
        };
        let paid: RefundVirtualAccountResult =
            self.rpc.call(Service::CyclopsV2, "refund_virtual_account", params).await?;
        Ok(paid.payment_id)
    }
}
