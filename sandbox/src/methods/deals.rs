//! Deals: payers' money blocked on creation, paid to the recipients on execution, unblocked on
//! rejection. Execution completes at once: recipients `success`, deal `closed`.

use super::accounts::sub;
use crate::books::{Answer, Books, fail, invalid, new_payment_id, now, party, positive, sum};
use crate::config::SandboxConfig;
use crate::methods::journal::Cause;
use cyclops::deals::{
    CreateDealParams, DealIdParams, DealPayerWire, DealPaymentWire, DealRecipientWire, DealWire, RecipientKindWire,
};
use cyclops::payments::{Party, PaymentWire};
use cyclops::wire::{RpcError, codes};
use serde_json::{Value, json};
use std::collections::HashSet;

impl Books {
    pub fn create_deal(&mut self, p: CreateDealParams) -> Answer<Value> {
        if let Some(existing) = p.ext_key.as_ref().and_then(|k| self.deal_ext_keys.get(k)) {
            let error = RpcError::new(codes::DEAL_EXISTS, "Deal with this ext_key already exists");
            return Err(error.with_meta(json!({ "deal_id": existing })));
        }
        validate_deal(&p)?;
        self.check_funds(p.payers.iter().map(|payer| (payer.virtual_account.as_str(), payer.amount)))?;
        for payer in &p.payers {
            let account = self.account(&payer.virtual_account)?;
            account.cash = sub(account.cash, payer.amount);
            account.blocked_cash =
                account.blocked_cash.checked_add(payer.amount).expect("within the cash it came from");
        }
        let id = uuid::Uuid::new_v4().to_string();
        for payer in &p.payers {
            self.journal(&payer.virtual_account, payer.amount, "block_add_from_cash", deal_cause(&id));
        }
        let deal = DealWire {
            id: id.clone(),
            ext_key: p.ext_key.clone(),
            amount: p.amount,
            status: "new".into(),
            created_at: Some(now()),
            updated_at: Some(now()),
            payers: p
                .payers
                .iter()
                .map(|payer| DealPayerWire {
                    virtual_account: payer.virtual_account.clone(),
                    amount: payer.amount,
                    executed: false,
                })
                .collect(),
            recipients: p
                .recipients
                .into_iter()
                .map(|r| DealRecipientWire {
                    number: r.number,
                    amount: r.amount,
                    kind: r.payout.type_name().into(),
                    status: "new".into(),
                    executed: false,
                    requisites: serde_json::to_value(&r.payout).ok(),
                    payment: None,
                    error_reason: None,
                })
                .collect(),
        };
        self.deals.insert(id.clone(), deal);
        if let Some(key) = p.ext_key {
            self.deal_ext_keys.insert(key, id.clone());
        }
        Ok(json!({ "deal_id": id, "compliance_check_payments": [] }))
    }

    pub fn execute_deal(&mut self, config: &SandboxConfig, p: DealIdParams) -> Answer<Value> {
        let deal = self.deal_in_status_new(&p.deal_id)?.clone();
        for payer in &deal.payers {
            let account = self.account(&payer.virtual_account)?;
            account.blocked_cash = sub(account.blocked_cash, payer.amount);
            self.journal(&payer.virtual_account, payer.amount, "block_write_off", deal_cause(&deal.id));
        }
        let mut paid = Vec::new();
        for recipient in &deal.recipients {
            let payment = PaymentWire {
                id: new_payment_id(),
                amount: recipient.amount,
                incoming: false,
                identify: true,
                kind: recipient.kind.clone(),
                status: "PAID".into(),
                purpose: recipient_field(recipient, "purpose").unwrap_or_default(),
                qrcode_id: None,
                deal_id: Some(deal.id.clone()),
                document_number: None,
                document_date: None,
                created_at: Some(now()),
                updated_at: Some(now()),
                payer: Some(party(&config.nominal_account, &config.bic, "Nominal account", None)),
                recipient: Some(Party {
                    account: recipient_field(recipient, "account"),
                    bank_code: recipient_field(recipient, "bank_code"),
                    name: recipient_field(recipient, "name"),
                    tax_code: recipient_field(recipient, "inn"),
                    ..Party::default()
                }),
            };
            paid.push(self.record_payment(payment));
        }
        let stored = self.deal(&p.deal_id)?;
        stored.status = "closed".into();
        stored.updated_at = Some(now());
        stored.payers.iter_mut().for_each(|payer| payer.executed = true);
        for (recipient, payment_id) in stored.recipients.iter_mut().zip(paid) {
            recipient.status = "success".into();
            recipient.executed = true;
            recipient.payment = Some(DealPaymentWire { id: Some(payment_id), status: Some("PAID".into()) });
        }
        Ok(json!({ "deal_id": p.deal_id }))
    }

    pub fn get_deal(&mut self, p: DealIdParams) -> Answer<Value> {
        Ok(json!({ "deal": self.deal(&p.deal_id)? }))
    }

    /// Cancels a deal still `new` and gives the payers their money back.
    pub fn rejected_deal(&mut self, p: DealIdParams) -> Answer<Value> {
        let deal = self.deal_in_status_new(&p.deal_id)?.clone();
        for payer in &deal.payers {
            let account = self.account(&payer.virtual_account)?;
            account.blocked_cash = sub(account.blocked_cash, payer.amount);
            account.cash = account.cash.checked_add(payer.amount).expect("it was cash before");
            self.journal(&payer.virtual_account, payer.amount, "cash_add_from_block", deal_cause(&deal.id));
        }
        let stored = self.deal(&p.deal_id)?;
        stored.status = "rejected".into();
        stored.updated_at = Some(now());
        stored.recipients.iter_mut().for_each(|r| r.status = "reject".into());
        Ok(json!({ "deal_id": p.deal_id }))
    }

    fn deal_in_status_new(&mut self, id: &str) -> Answer<&mut DealWire> {
        let deal = self.deal(id)?;
        if deal.status != "new" {
            let error = RpcError::new(
                codes::DEAL_WRONG_STATUS,
                "This operation is impossible with the current status of the deal",
            );
            return Err(error.with_meta(json!(deal.status)));
        }
        Ok(deal)
    }
}

/// Amounts add up (payers = amount = recipients), numbers are unique, fields look right.
fn validate_deal(p: &CreateDealParams) -> Answer<()> {
    if p.payers.is_empty() || p.recipients.is_empty() {
        return invalid("a deal needs payers and recipients");
    }
    positive(p.amount)?;
    let payers = sum(p.payers.iter().map(|payer| payer.amount))?;
    let recipients = sum(p.recipients.iter().map(|r| positive(r.amount)).collect::<Answer<Vec<_>>>()?)?;
    if payers != p.amount || recipients != p.amount {
        return invalid("the payers' and recipients' amounts must both equal the deal amount");
    }
    let mut numbers = HashSet::new();
    for r in &p.recipients {
        if !numbers.insert(r.number) {
            return invalid("recipient numbers must be unique");
        }
        match &r.payout {
            RecipientKindWire::PaymentContract { account, bank_code, .. }
                if account.len() != 20 || bank_code.len() != 9 =>
            {
                return invalid("recipient account must be 20 digits and bank_code 9");
            }
            RecipientKindWire::PaymentContractBySbp { phone_number, purpose, .. }
                if phone_number.len() != 11 || !phone_number.starts_with('7') || purpose.chars().count() > 140 =>
            {
                return invalid("SBP recipient phone must be 7XXXXXXXXXX and purpose at most 140 characters");
            }
            _ => {}
        }
    }
    if p.payers.iter().any(|payer| !payer.amount.is_positive()) {
        return fail(codes::INVALID_REQUEST, "payer amounts must be positive");
    }
    Ok(())
}

fn recipient_field(recipient: &DealRecipientWire, field: &str) -> Option<String> {
    recipient.requisites.as_ref()?.get(field)?.as_str().map(str::to_owned)
}

fn deal_cause(deal_id: &str) -> Cause {
    Cause { deal_id: Some(deal_id.into()), ..Cause::default() }
}
