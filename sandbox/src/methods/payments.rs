//! Incoming money: arrival, listing, identification onto virtual accounts, refunds.

use crate::books::{Answer, Books, fail, invalid, new_payment_id, now, party, positive, sum};
use crate::config::SandboxConfig;
use crate::methods::journal::Cause;
use cyclops::payments::{IdentificationPaymentParams, ListPaymentsParams, PaymentIdParams, PaymentWire};
use cyclops::wire::{RpcError, codes};
use money::Money;
use serde_json::{Value, json};

/// Money arriving to the nominal account.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub amount: Money,
    pub purpose: String,
    /// `incoming` for a bank transfer, `incoming_sbp` for an SBP QR payment.
    pub kind: &'static str,
    pub qrcode_id: Option<String>,
    pub payer_name: String,
    pub payer_account: String,
    pub payer_bank_code: String,
    pub payer_inn: Option<String>,
}

impl Arrival {
    /// A bank transfer from the `pre` layer's test payer.
    pub fn transfer(amount: Money, purpose: impl Into<String>) -> Self {
        Self {
            amount,
            purpose: purpose.into(),
            kind: "incoming",
            qrcode_id: None,
            payer_name: "ООО \"ЕВРОСТИЛЬ\"".into(),
            payer_account: "40702810713500000456".into(),
            payer_bank_code: "044525104".into(),
            payer_inn: Some("7203174679".into()),
        }
    }
}

impl Books {
    pub fn receive(&mut self, config: &SandboxConfig, arrival: Arrival) -> Answer<String> {
        positive(arrival.amount)?;
        if arrival.purpose.chars().count() > 210 {
            return invalid("purpose is longer than 210 characters");
        }
        let payment = PaymentWire {
            id: new_payment_id(),
            amount: arrival.amount,
            incoming: true,
            identify: false,
            kind: arrival.kind.into(),
            status: "PAID".into(),
            purpose: arrival.purpose,
            qrcode_id: arrival.qrcode_id,
            deal_id: None,
            document_number: Some(format!("{}", self.payments.len() + 1)),
            document_date: Some(chrono::Utc::now().format("%Y-%m-%d").to_string()),
            created_at: Some(now()),
            updated_at: Some(now()),
            payer: Some(party(
                &arrival.payer_account,
                &arrival.payer_bank_code,
                &arrival.payer_name,
                arrival.payer_inn.as_deref(),
            )),
            recipient: Some(party(&config.nominal_account, &config.bic, "Nominal account", None)),
        };
        Ok(self.record_payment(payment))
    }

    pub fn list_payments(&mut self, p: ListPaymentsParams) -> Answer<Value> {
        let f = p.filters;
        let ids: Vec<&str> = self
            .payments
            .iter()
            .filter(|pay| f.incoming.is_none_or(|v| pay.incoming == v))
            .filter(|pay| f.identify.is_none_or(|v| pay.identify == v))
            // Money sent back is no longer waiting to be identified.
            .filter(|pay| f.identify != Some(false) || !self.refunded_payments.contains(&pay.id))
            .filter(|pay| f.kind.as_ref().is_none_or(|k| &pay.kind == k))
            .filter(|pay| f.c2b_qr_code_id.as_ref().is_none_or(|q| pay.qrcode_id.as_ref() == Some(q)))
            .map(|pay| pay.id.as_str())
            .collect();
        Ok(json!({ "payments": ids }))
    }

    pub fn get_payment(&mut self, p: PaymentIdParams) -> Answer<Value> {
        Ok(json!({ "payment": self.payment(&p.payment_id)? }))
    }

    pub fn identification_payment(&mut self, p: IdentificationPaymentParams) -> Answer<Value> {
        let payment = self.payment(&p.payment_id)?.clone();
        if payment.identify {
            return fail(codes::ALREADY_IDENTIFIED, "Payment already identified");
        }
        if !payment.incoming || !payment.kind.starts_with("incoming") || self.refunded_payments.contains(&payment.id) {
            return invalid("It is forbidden to work with a payment with the current type");
        }
        for owner in &p.owners {
            positive(owner.amount)?;
            self.account(&owner.virtual_account)?;
        }
        if p.owners.is_empty() || sum(p.owners.iter().map(|o| o.amount))? != payment.amount {
            return fail(codes::AMOUNT_MISMATCH, "The owners' amounts do not equal the payment amount");
        }
        let mut balances = Vec::new();
        for owner in &p.owners {
            let account = self.account(&owner.virtual_account)?;
            account.cash = account
                .cash
                .checked_add(owner.amount)
                .ok_or_else(|| RpcError::new(codes::INVALID_REQUEST, "too large"))?;
            balances.push(json!({"code": account.code, "cash": cyclops::rubles::to_rubles(account.cash)}));
            let cause = Cause { payment_id: Some(p.payment_id.clone()), ..Cause::default() };
            self.journal(&owner.virtual_account, owner.amount, "cash_add", cause);
        }
        let stored = self.payment(&p.payment_id)?;
        stored.identify = true;
        stored.updated_at = Some(now());
        Ok(json!({ "virtual_accounts": balances }))
    }

    /// Sends an unidentified payment back to its payer.
    pub fn refund_payment(&mut self, p: PaymentIdParams) -> Answer<Value> {
        let payment = self.payment(&p.payment_id)?.clone();
        if payment.identify {
            return fail(codes::ALREADY_IDENTIFIED, "Payment already identified");
        }
        if !payment.incoming || self.refunded_payments.contains(&payment.id) {
            return fail(codes::REFUND_ERROR, "The payment cannot be refunded");
        }
        let kind = if payment.kind.contains("sbp") { "unrecognized_refund_sbp" } else { "unrecognized_refund" };
        let refund = PaymentWire {
            id: new_payment_id(),
            incoming: false,
            identify: true,
            kind: kind.into(),
            purpose: format!("Возврат платежа {}", payment.id),
            qrcode_id: None,
            created_at: Some(now()),
            updated_at: Some(now()),
            payer: payment.recipient.clone(),
            recipient: payment.payer.clone(),
            ..payment
        };
        let refund_id = self.record_payment(refund);
        self.refunded_payments.insert(p.payment_id);
        Ok(json!({ "payment_id": refund_id }))
    }
}
