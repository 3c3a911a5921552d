//! The bank port over Cyclops: each method is its wire call (see the method modules).

use super::CyclopsClient;
use chrono::{DateTime, Utc};
use money::Money;
use std::time::Duration;
use workflows::bank::{
    AccountAmount, Bank, BankResult, Deal, IncomingPayment, NewBeneficiary, NewDeal, Payout, SbpQrCode,
    VirtualAccountBalance, VirtualTransaction,
};

#[async_trait::async_trait]
impl Bank for CyclopsClient {
    async fn echo(&self, text: &str) -> BankResult<String> {
        CyclopsClient::echo(self, text).await
    }

    async fn create_beneficiary(&self, beneficiary: &NewBeneficiary) -> BankResult<String> {
        CyclopsClient::create_beneficiary(self, beneficiary).await
    }

    async fn create_virtual_account(&self, beneficiary_id: &str) -> BankResult<String> {
        CyclopsClient::create_virtual_account(self, beneficiary_id).await
    }

    async fn get_virtual_account(&self, virtual_account: &str) -> BankResult<VirtualAccountBalance> {
        CyclopsClient::get_virtual_account(self, virtual_account).await
    }

    async fn list_incoming_payments(&self, only_unidentified: bool) -> BankResult<Vec<String>> {
        CyclopsClient::list_incoming_payments(self, only_unidentified).await
    }

    async fn get_payment(&self, payment_id: &str) -> BankResult<IncomingPayment> {
        CyclopsClient::get_payment(self, payment_id).await
    }

    async fn identify_payment(&self, payment_id: &str, owners: &[(String, Money)]) -> BankResult<Vec<AccountAmount>> {
        CyclopsClient::identify_payment(self, payment_id, owners).await
    }

    async fn refund_payment(&self, payment_id: &str) -> BankResult<()> {
        CyclopsClient::refund_payment(self, payment_id).await
    }

    async fn transfer_between_virtual_accounts(
        &self,
        from: &str,
        to: &str,
        amount: Money,
    ) -> BankResult<Option<String>> {
        CyclopsClient::transfer_between_virtual_accounts(self, from, to, amount).await
    }

    async fn list_virtual_transactions(
        &self,
        virtual_account: &str,
        since: DateTime<Utc>,
    ) -> BankResult<Vec<VirtualTransaction>> {
        CyclopsClient::list_virtual_transactions(self, virtual_account, since).await
    }

    async fn list_virtual_accounts(&self, beneficiary_id: &str) -> BankResult<Vec<String>> {
        CyclopsClient::list_virtual_accounts(self, beneficiary_id).await
    }

    /// Three request timeouts: a request the client gave up on may still be queued at the bank.
    fn answer_window(&self) -> Duration {
        self.config().timeout * 3
    }

    async fn create_deal(&self, deal: &NewDeal) -> BankResult<String> {
        CyclopsClient::create_deal(self, deal).await
    }

    async fn execute_deal(&self, deal_id: &str) -> BankResult<()> {
        CyclopsClient::execute_deal(self, deal_id).await
    }

    async fn get_deal(&self, deal_id: &str) -> BankResult<Deal> {
        CyclopsClient::get_deal(self, deal_id).await
    }

    async fn rejected_deal(&self, deal_id: &str) -> BankResult<()> {
        CyclopsClient::rejected_deal(self, deal_id).await
    }

    async fn refund_virtual_account(&self, payout: &Payout) -> BankResult<String> {
        CyclopsClient::refund_virtual_account(self, payout).await
    }

    async fn generate_sbp_qrcode(&self, amount: Money, purpose: &str) -> BankResult<SbpQrCode> {
        CyclopsClient::generate_sbp_qrcode(self, amount, purpose).await
    }
}
