//! Beneficiaries, virtual accounts, and money moved between or out of virtual accounts.

use crate::books::{
    Answer, Beneficiary, Books, PayoutRecord, VirtualAccount, fail, invalid, new_payment_id, now, party,
};
use crate::config::SandboxConfig;
use crate::methods::journal::Cause;
use cyclops::accounts::{
    CreateBeneficiaryParams, CreateBeneficiaryUlParams, CreateVirtualAccountParams, VirtualAccountParams,
    VirtualAccountWire,
};
use cyclops::payments::PaymentWire;
use cyclops::payouts::{RefundVirtualAccountParams, TransferParams};
use cyclops::wire::{RpcError, codes};
use serde_json::{Value, json};

fn digits(text: &str, lengths: &[usize]) -> bool {
    lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

impl Books {
    pub fn create_beneficiary_ul(&mut self, config: &SandboxConfig, p: CreateBeneficiaryUlParams) -> Answer<Value> {
        if !digits(&p.inn, &[10]) || !digits(&p.beneficiary_data.kpp, &[9]) {
            return invalid("inn must be 10 digits and kpp 9 digits");
        }
        check_nominal(config, p.nominal_account_code.as_deref(), p.nominal_account_bic.as_deref())?;
        let id = self.add_beneficiary(&p.inn, "J", Some(p.beneficiary_data.name))?;
        Ok(json!({"beneficiary": {"id": id, "inn": p.inn, "nominal_account_code": config.nominal_account,
            "nominal_account_bic": config.bic}}))
    }

    pub fn create_beneficiary_v3(&mut self, config: &SandboxConfig, p: CreateBeneficiaryParams) -> Answer<Value> {
        if !matches!(p.legal_type.as_str(), "F" | "I") || !digits(&p.inn, &[12]) {
            return invalid("legal_type must be F or I and inn 12 digits");
        }
        let nominal = p.nominal_account.as_ref();
        check_nominal(config, nominal.map(|n| n.code.as_str()), nominal.map(|n| n.bic.as_str()))?;
        let id = self.add_beneficiary(&p.inn, &p.legal_type, None)?;
        Ok(json!({"beneficiary": {"id": id, "inn": p.inn, "legal_type": p.legal_type}}))
    }

    /// One beneficiary per INN and legal type; a repeat names the existing one, as v3 does.
    fn add_beneficiary(&mut self, inn: &str, legal_type: &str, name: Option<String>) -> Answer<String> {
        if let Some(existing) = self.beneficiaries.values().find(|b| b.inn == inn && b.legal_type == legal_type) {
            let errors = json!({"errors": [{"code": codes::BENEFICIARY_EXISTS, "meta": {"id": existing.id}}]});
            return Err(RpcError::new(codes::INVALID_REQUEST, "No valid data in request").with_data(errors));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let beneficiary =
            Beneficiary { id: id.clone(), inn: inn.into(), legal_type: legal_type.into(), name, is_active: true };
        self.beneficiaries.insert(id.clone(), beneficiary);
        Ok(id)
    }

    pub fn create_virtual_account(&mut self, p: CreateVirtualAccountParams) -> Answer<Value> {
        if !self.beneficiaries.contains_key(&p.beneficiary_id) {
            return fail(codes::BENEFICIARY_NOT_FOUND, "Beneficiary not found");
        }
        let code = uuid::Uuid::new_v4().to_string();
        let account = VirtualAccount {
            code: code.clone(),
            beneficiary_id: p.beneficiary_id,
            cash: Default::default(),
            blocked_cash: Default::default(),
            opened_at: now(),
        };
        self.virtual_accounts.insert(code.clone(), account);
        Ok(json!({"virtual_account": code}))
    }

    pub fn get_virtual_account(&mut self, p: VirtualAccountParams) -> Answer<Value> {
        let account = self.account(&p.virtual_account)?.clone();
        let inn = self.beneficiaries.get(&account.beneficiary_id).map(|b| b.inn.clone());
        let wire = VirtualAccountWire {
            code: account.code,
            cash: account.cash,
            blocked_cash: account.blocked_cash,
            beneficiary_id: Some(account.beneficiary_id),
            beneficiary_inn: inn,
            kind: Some("standard".into()),
        };
        Ok(json!({ "virtual_account": wire }))
    }

    /// Like Tochka's, a transfer takes no idempotency key: the same call twice moves the money twice.
    pub fn transfer_between_virtual_accounts(&mut self, p: TransferParams) -> Answer<Value> {
        self.account(&p.to_virtual_account)?;
        self.check_funds([(p.from_virtual_account.as_str(), p.amount)])?;
        let to = self.account(&p.to_virtual_account)?;
        to.cash = to.cash.checked_add(p.amount).ok_or_else(|| RpcError::new(codes::INVALID_REQUEST, "too large"))?;
        let from = self.account(&p.from_virtual_account)?;
        from.cash = sub(from.cash, p.amount);
        let transfer_id = uuid::Uuid::new_v4().to_string();
        let cause = |counterparty: &str| Cause {
            transfer_id: Some(transfer_id.clone()),
            counterparty: Some(counterparty.into()),
            ..Cause::default()
        };
        self.journal(&p.from_virtual_account, p.amount, "cash_write_off", cause(&p.to_virtual_account));
        self.journal(&p.to_virtual_account, p.amount, "cash_add", cause(&p.from_virtual_account));
        Ok(json!({ "transfer_id": transfer_id }))
    }

    /// A payout to bank details. The same `ext_key` with the same request answers the first
    /// payout's id; with a different request it is refused.
    pub fn refund_virtual_account(&mut self, config: &SandboxConfig, p: RefundVirtualAccountParams) -> Answer<Value> {
        if let Some(done) = p.ext_key.as_ref().and_then(|k| self.payouts.get(k)) {
            let same = done.params.virtual_account == p.virtual_account && done.params.recipient == p.recipient;
            return if same {
                Ok(json!({"payment_id": done.payment_id}))
            } else {
                fail(codes::REFUND_ERROR, "ext_key was already used for another payout")
            };
        }
        let r = &p.recipient;
        if !digits(&r.account, &[20]) || !digits(&r.bank_code, &[9]) || !digits(&r.inn, &[10, 12]) {
            return invalid("recipient account must be 20 digits, bank_code 9, inn 10 or 12");
        }
        self.check_funds([(p.virtual_account.as_str(), r.amount)])?;
        let account = self.account(&p.virtual_account)?;
        account.cash = sub(account.cash, r.amount);
        let payment = PaymentWire {
            id: new_payment_id(),
            amount: r.amount,
            incoming: false,
            identify: true,
            kind: "refund".into(),
            status: "PAID".into(),
            purpose: p.purpose.clone().unwrap_or_default(),
            qrcode_id: None,
            deal_id: None,
            document_number: None,
            document_date: None,
            created_at: Some(now()),
            updated_at: Some(now()),
            payer: Some(party(&config.nominal_account, &config.bic, "Nominal account", None)),
            recipient: Some(party(&r.account, &r.bank_code, &r.name, Some(&r.inn))),
        };
        let payment_id = self.record_payment(payment);
        let cause = Cause { payment_id: Some(payment_id.clone()), ..Cause::default() };
        self.journal(&p.virtual_account, r.amount, "cash_write_off", cause);
        if let Some(key) = p.ext_key.clone() {
            self.payouts.insert(key, PayoutRecord { params: p, payment_id: payment_id.clone() });
        }
        Ok(json!({ "payment_id": payment_id }))
    }
}

/// `cash - amount` after `check_funds` made sure it cannot go below zero.
pub fn sub(cash: money::Money, amount: money::Money) -> money::Money {
    cash.checked_sub(amount).expect("funds were checked")
}

fn check_nominal(config: &SandboxConfig, code: Option<&str>, bic: Option<&str>) -> Answer<()> {
    let wrong = code.is_some_and(|c| c != config.nominal_account) || bic.is_some_and(|b| b != config.bic);
    if wrong { invalid("unknown nominal account") } else { Ok(()) }
}
