//! The JSON-RPC methods the sandbox serves, one module per group; `dispatch` routes a call.

mod accounts;
mod deals;
pub mod journal;
pub mod payments;
mod sbp;

use crate::bank::SandboxBank;
use crate::books::{Answer, Books};
use cyclops::Service;
use cyclops::wire::{RpcError, codes};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Runs `method` with `params` on the books (under the lock, so each call is atomic).
pub fn dispatch(bank: &SandboxBank, service: Service, method: &str, params: Value) -> Answer<Value> {
    let config = bank.config();
    let public_url = bank.public_url();
    let mut books = bank.books();
    let b: &mut Books = &mut books;
    match (service, method) {
        (Service::CyclopsV2 | Service::CyclopsV3, "echo") => {
            let text = params.get("text").cloned().unwrap_or(Value::Null);
            Ok(text)
        }
        (Service::CyclopsV3, "create_beneficiary") => b.create_beneficiary_v3(config, parse(params)?),
        (Service::CyclopsV2, "create_beneficiary_ul") => b.create_beneficiary_ul(config, parse(params)?),
        (Service::CyclopsV2, "create_virtual_account") => b.create_virtual_account(parse(params)?),
        (Service::CyclopsV2, "get_virtual_account") => b.get_virtual_account(parse(params)?),
        (Service::CyclopsV2, "transfer_between_virtual_accounts") => {
            b.transfer_between_virtual_accounts(parse(params)?)
        }
        (Service::CyclopsV2, "list_virtual_transaction") => b.list_virtual_transaction(parse(params)?),
        (Service::CyclopsV2, "list_virtual_account") => b.list_virtual_account(parse(params)?),
        (Service::CyclopsV2, "refund_virtual_account") => b.refund_virtual_account(config, parse(params)?),
        (Service::CyclopsV2, "list_payments") => b.list_payments(parse(params)?),
        (Service::CyclopsV2, "get_payment") => b.get_payment(parse(params)?),
        (Service::CyclopsV2, "identification_payment") => b.identification_payment(parse(params)?),
        (Service::CyclopsV2, "refund_payment") => b.refund_payment(parse(params)?),
        (Service::CyclopsV2, "create_deal") => b.create_deal(parse(params)?),
        (Service::CyclopsV2, "execute_deal") => b.execute_deal(config, parse(params)?),
        (Service::CyclopsV2, "get_deal") => b.get_deal(parse(params)?),
        (Service::CyclopsV2, "rejected_deal") => b.rejected_deal(parse(params)?),
        (Service::CyclopsV2, "generate_sbp_qrcode") => b.generate_sbp_qrcode(config, &public_url, parse(params)?),
        (Service::TenderHelpers, "transfer_money") => b.transfer_money(config, parse(params)?),
        (Service::TenderHelpers, "send_c2b_credit_transfer_request") => b.pay_qrcode(config, parse(params)?),
        _ => Err(RpcError::new(codes::METHOD_NOT_FOUND, format!("Method not found: {method}"))),
    }
}

/// Params that do not fit the method are the bank's 4002.
fn parse<P: DeserializeOwned>(params: Value) -> Answer<P> {
    serde_json::from_value(params).map_err(|e| {
        RpcError::new(codes::INVALID_REQUEST, "No valid data in request").with_meta(Value::String(e.to_string()))
    })
}
