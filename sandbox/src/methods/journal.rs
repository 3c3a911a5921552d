//! Every movement of money on a virtual account, in order, as `list_virtual_transaction`
//! answers: what the platform reads to learn whether a call whose answer it lost took effect.

use crate::books::{Answer, Books, now, sum};
use cyclops::ledger_lists::{ListVirtualAccountParams, ListVirtualTransactionParams, PER_PAGE, VirtualTransactionWire};
use cyclops::rubles::to_rubles;
use money::Money;
use serde_json::{Value, json};

/// What a movement belongs to.
#[derive(Debug, Clone, Default)]
pub struct Cause {
    pub transfer_id: Option<String>,
    pub payment_id: Option<String>,
    pub deal_id: Option<String>,
    pub counterparty: Option<String>,
}

impl Books {
    /// Writes one movement of `amount` on `virtual_account` into the journal.
    pub fn journal(&mut self, virtual_account: &str, amount: Money, operation_type: &str, cause: Cause) {
        let incoming = matches!(operation_type, "cash_add" | "cash_add_from_block");
        let moscow_now = chrono::DateTime::parse_from_rfc3339(&now()).ok();
        self.journal.push((
            virtual_account.to_string(),
            VirtualTransactionWire {
                id: uuid::Uuid::new_v4().to_string(),
                amount,
                incoming,
                operation_type: Some(operation_type.into()),
                created_at: moscow_now,
                transfer_id: cause.transfer_id,
                payment_id: cause.payment_id,
                deal_id: cause.deal_id,
                counterparty_virtual_account: cause.counterparty,
            },
        ));
    }

    pub fn list_virtual_transaction(&mut self, p: ListVirtualTransactionParams) -> Answer<Value> {
        self.account(&p.filters.virtual_account)?;
        let from = p.filters.created_date_from.as_deref();
        let matching: Vec<&VirtualTransactionWire> = self
            .journal
            .iter()
            .filter(|(va, _)| *va == p.filters.virtual_account)
            .map(|(_, t)| t)
            .filter(|t| p.filters.incoming.is_none_or(|incoming| t.incoming == incoming))
            .filter(|t| {
                let day = t.created_at.map(|at| at.date_naive().format("%Y-%m-%d").to_string());
                from.is_none_or(|from| day.is_some_and(|day| day.as_str() >= from))
            })
            .collect();
        let (receipts, payouts): (Vec<_>, Vec<_>) = matching.iter().partition(|t| t.incoming);
        let total = |list: &[&&VirtualTransactionWire]| sum(list.iter().map(|t| t.amount)).map(to_rubles);
        let page = page_of(&matching, p.page, p.per_page);
        Ok(json!({
            "virtual_transactions": page,
            "total_payouts": total(&payouts)?, "count_payouts": payouts.len(),
            "total_receipts": total(&receipts)?, "count_receipts": receipts.len(),
        }))
    }

    pub fn list_virtual_account(&mut self, p: ListVirtualAccountParams) -> Answer<Value> {
        let beneficiary = p.filters.beneficiary.as_ref().map(|b| b.id.as_str());
        let mut codes: Vec<(&String, &String)> = self
            .virtual_accounts
            .values()
            .filter(|va| beneficiary.is_none_or(|id| va.beneficiary_id == id))
            .map(|va| (&va.opened_at, &va.code))
            .collect();
        codes.sort();
        let total = codes.len();
        let codes: Vec<&String> = codes.into_iter().map(|(_, code)| code).collect();
        let page = page_of(&codes, p.page, p.per_page);
        Ok(json!({ "virtual_accounts": page,
            "meta": {"total": total, "page": {"current_page": p.page, "per_page": p.per_page}} }))
    }
}

/// Page `page` (from 1) of `items`, `per_page` at most `PER_PAGE` a page.
fn page_of<T: Clone>(items: &[T], page: u32, per_page: u32) -> Vec<T> {
    let per_page = per_page.clamp(1, PER_PAGE) as usize;
    let skip = (page.max(1) as usize - 1) * per_page;
    items.iter().skip(skip).take(per_page).cloned().collect()
}
