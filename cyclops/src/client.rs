//! The HTTP side: one reqwest client, requests serialized once, signed over those exact bytes,
//! and answers checked against the request id.

use super::signer::Signer;
use crate::wire::{RpcRequest, RpcResponse, Service};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use workflows::bank::{BankError, BankResult};

/// Where and as whom to talk to Cyclops.
#[derive(Debug, Clone)]
pub struct CyclopsConfig {
    /// The API root up to `/api/v1`: `https://pre.tochka.com/api/v1` (sandbox layer),
    /// `https://api.tochka.com/api/v1` (production), or the local sandbox's `http://…/api/v1`.
    pub api_url: String,
    /// `sign-system`: the platform id issued by Tochka.
    pub system: String,
    pub signer: Signer,
    /// Per request; 15 s by default.
    pub timeout: Duration,
    /// The platform's nominal account (20 digits) and its bank's BIC, where buyers' money arrives.
    pub nominal_account: String,
    pub nominal_bic: String,
}

impl CyclopsConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

    pub fn new(api_url: impl Into<String>, system: impl Into<String>, signer: Signer) -> Self {
        Self {
            api_url: api_url.into(),
            system: system.into(),
            signer,
            timeout: Self::DEFAULT_TIMEOUT,
            nominal_account: String::new(),
            nominal_bic: String::new(),
        }
    }

    pub fn with_nominal_account(mut self, account: impl Into<String>, bic: impl Into<String>) -> Self {
        self.nominal_account = account.into();
        self.nominal_bic = bic.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Sends signed JSON-RPC calls. Cheap to clone; shared by [`super::CyclopsClient`] and
/// [`super::TenderHelpers`].
#[derive(Clone)]
pub(super) struct Transport {
    http: reqwest::Client,
    config: Arc<CyclopsConfig>,
}

impl Transport {
    pub fn new(config: CyclopsConfig) -> BankResult<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| BankError::Request(format!("HTTP client: {e}")))?;
        Ok(Self { http, config: Arc::new(config) })
    }

    pub fn config(&self) -> &CyclopsConfig {
        &self.config
    }

    /// Calls `method` and decodes its `result`.
    pub async fn call<P: Serialize, R: DeserializeOwned>(
        &self,
        service: Service,
        method: &str,
        params: P,
    ) -> BankResult<R> {
        let id = uuid::Uuid::new_v4().to_string();
        let request = RpcRequest { jsonrpc: "2.0".into(), id: id.clone(), method: method.into(), params };
        // Compact JSON, serialized once: the signature covers exactly the bytes sent.
        let body = serde_json::to_vec(&request).map_err(|e| BankError::Request(e.to_string()))?;
        // An RSA signature costs milliseconds of CPU: off the async threads, so that many calls
        // in flight sign on every core rather than queue behind one another.
        let signer = self.config.signer.clone();
        let (body, signature) = tokio::task::spawn_blocking(move || {
            let signature = signer.sign(&body);
            (body, signature)
        })
        .await
        .map_err(|e| BankError::Request(format!("signing: {e}")))?;
        let signature = signature.map_err(|e| BankError::Request(e.to_string()))?;
        let url = format!("{}{}", self.config.api_url.trim_end_matches('/'), service.path());
        let started = std::time::Instant::now();
        let response = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("sign-system", &self.config.system)
            .header("sign-thumbprint", self.config.signer.thumbprint())
            .header("sign-data", signature)
            .body(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport_error)?;
        tracing::debug!(method, %status, elapsed_ms = started.elapsed().as_millis() as u64, "cyclops call");
        decode(&id, status.as_u16(), &bytes)
    }
}

fn transport_error(e: reqwest::Error) -> BankError {
    if e.is_timeout() {
        BankError::Timeout
    } else if e.is_connect() || e.is_request() || e.is_body() {
        BankError::Connect(e.to_string())
    } else {
        BankError::Protocol(e.to_string())
    }
}

/// Turns an HTTP answer into the call's result or its typed error.
fn decode<R: DeserializeOwned>(request_id: &str, status: u16, body: &[u8]) -> BankResult<R> {
    let text = || String::from_utf8_lossy(&body[..body.len().min(500)]).into_owned();
    match status {
        200 => {}
        403 => return Err(BankError::Signature(text())),
        _ => return Err(BankError::Http { status, body: text() }),
    }
    let response: RpcResponse =
        serde_json::from_slice(body).map_err(|e| BankError::Protocol(format!("not JSON-RPC ({e}): {}", text())))?;
    let answered = response.id.as_ref().and_then(|id| id.as_str());
    if answered != Some(request_id) {
        return Err(BankError::Protocol(format!("answer id {answered:?} is not the request id {request_id}")));
    }
    if let Some(error) = response.error {
        return Err(error.into());
    }
    let result = response.result.ok_or_else(|| BankError::Protocol("neither result nor error".into()))?;
    serde_json::from_value(result).map_err(|e| BankError::Protocol(format!("unexpected result: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_matched_to_the_request() {
        let ok: String = decode("a", 200, br#"{"jsonrpc":"2.0","id":"a","result":"pong"}"#).unwrap();
        assert_eq!(ok, "pong");
        let other = decode::<String>("a", 200, br#"{"jsonrpc":"2.0","id":"b","result":"pong"}"#);
        assert!(matches!(other, Err(BankError::Protocol(_))));
        let business =
            decode::<String>("a", 200, br#"{"jsonrpc":"2.0","id":"a","error":{"code":4412,"message":"no"}}"#);
        assert_eq!(business, Err(BankError::PaymentNotFound));
        assert!(matches!(decode::<String>("a", 403, b"forbidden"), Err(BankError::Signature(_))));
        assert!(decode::<String>("a", 503, b"").unwrap_err().is_retryable());
        assert!(matches!(decode::<String>("a", 200, b"<html>"), Err(BankError::Protocol(_))));
    }
}
