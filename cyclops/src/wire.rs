//! The JSON-RPC 2.0 envelope Cyclops uses, and its business errors mapped to [`BankError`].
//!
//! Business errors come inside HTTP 200 bodies (`{"error":{"code":4418,"message":…,"meta":…}}`);
//! HTTP statuses only report transport and authentication trouble.

use serde::{Deserialize, Serialize};
use serde_json::Value;
#[cfg(feature = "client")]
use workflows::bank::BankError;

#[derive(Debug, Serialize, Deserialize)]
pub struct RpcRequest<P> {
    pub jsonrpc: String,
    pub id: String,
    pub method: String,
    pub params: P,
}

/// A response: exactly one of `result` and `error` is expected.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RpcResponse {
    #[serde(default)]
    pub jsonrpc: String,
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
}

impl RpcResponse {
    pub fn success(id: Value, result: Value) -> Self {
        Self { jsonrpc: "2.0".into(), id: Some(id), result: Some(result), error: None }
    }

    pub fn failure(id: Value, error: RpcError) -> Self {
        Self { jsonrpc: "2.0".into(), id: Some(id), result: None, error: Some(error) }
    }
}

/// `error`: an integer code, a message, and `meta`/`data` of varying shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RpcError {
    pub code: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), meta: None, data: None }
    }

    pub fn with_meta(mut self, meta: Value) -> Self {
        self.meta = Some(meta);
        self
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// The v3 validation sub-errors, `data.errors[].code`, with their `meta`.
    #[cfg(feature = "client")]
    fn sub_errors(&self) -> impl Iterator<Item = (&str, Option<&Value>)> {
        let errors = self.data.as_ref().and_then(|d| d.get("errors")).and_then(Value::as_array);
        errors.into_iter().flatten().filter_map(|e| Some((e.get("code")?.as_str()?, e.get("meta"))))
    }

    #[cfg(feature = "client")]
    fn meta_str(&self, field: &str) -> Option<String> {
        match &self.meta {
            Some(Value::String(s)) if field.is_empty() => Some(s.clone()),
            Some(Value::Object(o)) => o.get(field).and_then(Value::as_str).map(str::to_owned),
            _ => None,
        }
    }
}

/// Codes the sandbox answers with and the client maps to named errors.
pub mod codes {
    pub const INVALID_REQUEST: i64 = 4002;
    pub const BENEFICIARY_NOT_FOUND: i64 = 4409;
    pub const BENEFICIARY_NOT_ACTIVE: i64 = 4410;
    pub const VIRTUAL_ACCOUNT_NOT_FOUND: i64 = 4411;
    pub const PAYMENT_NOT_FOUND: i64 = 4412;
    pub const AMOUNT_MISMATCH: i64 = 4413;
    pub const ALREADY_IDENTIFIED: i64 = 4414;
    pub const INSUFFICIENT_FUNDS: i64 = 4415;
    pub const DEAL_NOT_FOUND: i64 = 4417;
    pub const DEAL_WRONG_STATUS: i64 = 4418;
    pub const REFUND_ERROR: i64 = 4422;
    pub const DEAL_EXISTS: i64 = 4442;
    pub const IN_PROGRESS: i64 = 4909;
    /// JSON-RPC's own "method not found".
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// The v3 sub-error naming an existing beneficiary.
    pub const BENEFICIARY_EXISTS: &str = "the_beneficiary_is_already_exists";
}

#[cfg(feature = "client")]
impl From<RpcError> for BankError {
    fn from(e: RpcError) -> Self {
        if let Some((_, meta)) = e.sub_errors().find(|(code, _)| *code == codes::BENEFICIARY_EXISTS) {
            let id = meta.and_then(|m| m.get("id")).and_then(Value::as_str).map(str::to_owned);
            return BankError::BeneficiaryExists { id };
        }
        match e.code {
            codes::INVALID_REQUEST => BankError::InvalidRequest(e.message),
            codes::BENEFICIARY_NOT_FOUND => BankError::BeneficiaryNotFound,
            codes::BENEFICIARY_NOT_ACTIVE => BankError::BeneficiaryNotActive,
            codes::VIRTUAL_ACCOUNT_NOT_FOUND => BankError::VirtualAccountNotFound,
            codes::PAYMENT_NOT_FOUND => BankError::PaymentNotFound,
            codes::AMOUNT_MISMATCH => BankError::AmountMismatch,
            codes::ALREADY_IDENTIFIED => BankError::AlreadyIdentified,
            codes::INSUFFICIENT_FUNDS => BankError::InsufficientFunds,
            codes::DEAL_NOT_FOUND => BankError::DealNotFound,
            codes::DEAL_WRONG_STATUS => BankError::DealWrongStatus { status: e.meta_str("").or(e.meta_str("status")) },
            codes::DEAL_EXISTS => BankError::DealExists { deal_id: e.meta_str("deal_id") },
            codes::IN_PROGRESS => BankError::InProgress,
            code => BankError::Unknown { code, message: e.message },
        }
    }
}

/// Which JSON-RPC service a method lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    CyclopsV2,
    /// `echo` and the natural-person beneficiary methods.
    CyclopsV3,
    /// The sandbox-only helpers that simulate incoming money.
    TenderHelpers,
}

impl Service {
    pub fn path(self) -> &'static str {
        match self {
            Service::CyclopsV2 => "/cyclops/v2/jsonrpc",
            Service::CyclopsV3 => "/cyclops/v3/jsonrpc",
            Service::TenderHelpers => "/tender-helpers/jsonrpc",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(body: Value) -> BankError {
        serde_json::from_value::<RpcError>(body).unwrap().into()
    }

    #[test]
    fn business_codes_become_named_errors() {
        let wrong_status = json!({"code":4418,"message":"This operation is impossible","meta":"in_process"});
        assert_eq!(error(wrong_status), BankError::DealWrongStatus { status: Some("in_process".into()) });
        assert_eq!(error(json!({"code":4413,"message":"x"})), BankError::AmountMismatch);
        assert_eq!(error(json!({"code":4909})), BankError::InProgress);
        assert_eq!(
            error(json!({"code":4963,"message":"later","meta":{"available_after":"…"}})),
            BankError::Unknown { code: 4963, message: "later".into() }
        );
    }

    #[test]
    fn an_existing_beneficiary_is_recognised_in_v3_data() {
        let body = json!({"code":4002,"message":"invalid","data":{"errors":[
            {"code":"the_beneficiary_is_already_exists","meta":{"id":"b-1"}}]}});
        assert_eq!(error(body), BankError::BeneficiaryExists { id: Some("b-1".into()) });
    }
}
