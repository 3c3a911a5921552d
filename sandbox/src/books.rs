//! The sandbox bank's books: everything it knows, behind one mutex, stored in wire shapes so
//! answers are the records themselves.

use cyclops::deals::DealWire;
use cyclops::ledger_lists::VirtualTransactionWire;
use cyclops::payments::{Party, PaymentWire};
use cyclops::payouts::RefundVirtualAccountParams;
use cyclops::wire::{RpcError, codes};
use money::Money;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct Beneficiary {
    pub id: String,
    pub inn: String,
    /// `J` (legal entity), `I` (sole proprietor), `F` (natural person).
    pub legal_type: String,
    pub name: Option<String>,
    pub is_active: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VirtualAccount {
    pub code: String,
    pub beneficiary_id: String,
    pub cash: Money,
    pub blocked_cash: Money,
    /// When it was opened, so listings come in opening order.
    pub opened_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QrCode {
    pub id: String,
    pub amount: Money,
    pub purpose: String,
}

/// A payout already made for an `ext_key`, so a repeat answers the same.
#[derive(Debug, Clone)]
pub struct PayoutRecord {
    pub params: RefundVirtualAccountParams,
    pub payment_id: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Books {
    pub beneficiaries: HashMap<String, Beneficiary>,
    pub virtual_accounts: HashMap<String, VirtualAccount>,
    /// In arrival order, so listings are stable.
    pub payments: Vec<PaymentWire>,
    #[serde(skip)]
    pub payment_index: HashMap<String, usize>,
    /// Unidentified payments sent back to their payers (`refund_payment`).
    pub refunded_payments: HashSet<String>,
    pub deals: HashMap<String, DealWire>,
    #[serde(skip)]
    pub deal_ext_keys: HashMap<String, String>,
    #[serde(skip)]
    pub payouts: HashMap<String, PayoutRecord>,
    pub qrcodes: HashMap<String, QrCode>,
    /// Every movement on a virtual account, in order: (account, movement).
    pub journal: Vec<(String, VirtualTransactionWire)>,
}

pub type Answer<T> = Result<T, RpcError>;

pub fn fail<T>(code: i64, message: &str) -> Answer<T> {
    Err(RpcError::new(code, message))
}

pub fn invalid<T>(message: &str) -> Answer<T> {
    fail(codes::INVALID_REQUEST, message)
}

/// A timestamp as Cyclops writes them: ISO-8601 with the Moscow offset.
pub fn now() -> String {
    let moscow = chrono::FixedOffset::east_opt(3 * 3600).expect("a valid offset");
    chrono::Utc::now().with_timezone(&moscow).to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

pub fn new_payment_id() -> String {
    format!("sandbox-{}", uuid::Uuid::new_v4().simple())
}

impl Books {
    pub fn account(&mut self, code: &str) -> Answer<&mut VirtualAccount> {
        self.virtual_accounts
            .get_mut(code)
            .ok_or_else(|| RpcError::new(codes::VIRTUAL_ACCOUNT_NOT_FOUND, "Virtual account not found"))
    }

    pub fn payment(&mut self, id: &str) -> Answer<&mut PaymentWire> {
        match self.payment_index.get(id) {
            Some(&i) => Ok(&mut self.payments[i]),
            None => fail(codes::PAYMENT_NOT_FOUND, "Payment not found"),
        }
    }

    pub fn deal(&mut self, id: &str) -> Answer<&mut DealWire> {
        self.deals.get_mut(id).ok_or_else(|| RpcError::new(codes::DEAL_NOT_FOUND, "Deal not found"))
    }

    /// Records a payment (incoming money, a payout, a deal's transfer) and returns its id.
    pub fn record_payment(&mut self, payment: PaymentWire) -> String {
        let id = payment.id.clone();
        self.payment_index.insert(id.clone(), self.payments.len());
        self.payments.push(payment);
        id
    }

    /// Checks that every account exists and holds `amount` in cash, before anything moves.
    pub fn check_funds<'a>(&mut self, debits: impl IntoIterator<Item = (&'a str, Money)>) -> Answer<()> {
        let mut needed: HashMap<&str, Money> = HashMap::new();
        for (code, amount) in debits {
            positive(amount)?;
            let total = needed.entry(code).or_default();
            *total =
                total.checked_add(amount).ok_or_else(|| RpcError::new(codes::INVALID_REQUEST, "amount too large"))?;
        }
        for (code, amount) in needed {
            if self.account(code)?.cash < amount {
                return fail(codes::INSUFFICIENT_FUNDS, "Insufficient funds on the virtual account");
            }
        }
        Ok(())
    }
}

/// A payment party for the sandbox's own side (the nominal account) or a payer.
pub fn party(account: &str, bank_code: &str, name: &str, inn: Option<&str>) -> Party {
    Party {
        account: Some(account.into()),
        bank_code: Some(bank_code.into()),
        bank_name: Some("ООО \"Банк Точка\"".into()),
        name: Some(name.into()),
        tax_code: inn.map(str::to_owned),
        tax_reason_code: None,
    }
}

pub fn positive(amount: Money) -> Answer<Money> {
    if amount.is_positive() { Ok(amount) } else { invalid("amount must be positive") }
}

/// Adds amounts, refusing overflow.
pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Answer<Money> {
    amounts
        .into_iter()
        .try_fold(Money::ZERO, |acc, a| acc.checked_add(a))
        .ok_or_else(|| RpcError::new(codes::INVALID_REQUEST, "amount too large"))
}
