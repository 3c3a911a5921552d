//! The sandbox bank itself: configuration, books, faults, and how a signed call is answered.

use crate::books::Books;
use crate::config::SandboxConfig;
use crate::faults::{Fault, Faults, Span};
use crate::methods::{dispatch, payments::Arrival};
use cyclops::wire::{RpcError, RpcRequest, RpcResponse};
use cyclops::{Service, Verifier};
use money::Money;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// The sandbox bank's state. Cheap to clone (shared).
#[derive(Clone)]
pub struct SandboxBank {
    inner: Arc<Inner>,
}

struct Inner {
    config: SandboxConfig,
    verifier: Verifier,
    books: Mutex<Books>,
    faults: Mutex<Faults>,
    public_url: RwLock<String>,
}

/// How an HTTP call is answered: a status and a body.
pub struct HttpAnswer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl HttpAnswer {
    fn json(status: u16, value: &impl serde::Serialize) -> Self {
        Self { status, body: serde_json::to_vec(value).expect("JSON values serialize") }
    }

    fn text(status: u16, text: &str) -> Self {
        Self { status, body: text.as_bytes().to_vec() }
    }
}

impl SandboxBank {
    pub fn new(config: SandboxConfig) -> anyhow::Result<Self> {
        let verifier = Verifier::from_public_key_pem(&config.public_key_pem)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                verifier,
                books: Mutex::default(),
                faults: Mutex::default(),
                public_url: RwLock::new("http://127.0.0.1:8090".into()),
            }),
        })
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    pub(crate) fn books(&self) -> MutexGuard<'_, Books> {
        self.inner.books.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn faults(&self) -> MutexGuard<'_, Faults> {
        self.inner.faults.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the sandbox is reachable (`http://host:port`), for links it hands out.
    pub fn public_url(&self) -> String {
        self.inner.public_url.read().map(|u| u.clone()).unwrap_or_default()
    }

    pub fn set_public_url(&self, url: impl Into<String>) {
        if let Ok(mut u) = self.inner.public_url.write() {
            *u = url.into();
        }
    }

    /// Money arrives by bank transfer with this purpose (what `transfer_money` and the payment
    /// page do); returns the new payment's id.
    pub fn receive_transfer(&self, amount: Money, purpose: &str) -> Result<String, RpcError> {
        self.books().receive(&self.inner.config, Arrival::transfer(amount, purpose))
    }

    /// Pays an SBP QR code made by `generate_sbp_qrcode`.
    pub fn pay_qrcode(&self, qrc_id: &str) -> Result<(), RpcError> {
        let amount = self.books().qrcodes.get(qrc_id).map(|q| q.amount).unwrap_or_default();
        let params = json!({"qrc_id": qrc_id, "amount": cyclops::rubles::to_rubles(amount)});
        dispatch(self, Service::TenderHelpers, "send_c2b_credit_transfer_request", params).map(drop)
    }

    /// Makes the next `times` calls of `method` fail with `fault`.
    pub fn inject(&self, method: &str, fault: Fault, times: u32) {
        self.faults().set(method, fault, Span::Calls(times));
    }

    /// Makes `method`'s calls (every method's, for [`crate::faults::ANY_METHOD`]) fail with
    /// `fault` for as long as `span` says.
    pub fn inject_for(&self, method: &str, fault: Fault, span: Span) {
        self.faults().set(method, fault, span);
    }

    pub fn clear_faults(&self) {
        self.faults().clear();
    }

    /// Everything the bank holds, as JSON (`GET /sandbox/state`).
    pub fn snapshot(&self) -> Value {
        let books = serde_json::to_value(&*self.books()).unwrap_or(Value::Null);
        let faults = serde_json::to_value(&*self.faults()).unwrap_or(Value::Null);
        json!({ "config": {"system": self.inner.config.system, "thumbprint": self.inner.config.thumbprint,
            "nominal_account": self.inner.config.nominal_account, "bic": self.inner.config.bic},
            "books": books, "faults": faults })
    }

    /// Answers one JSON-RPC call over HTTP: the signature first (403 and no change when wrong),
    /// then any injected fault, then the method.
    pub(crate) async fn handle(
        &self,
        service: Service,
        header: impl Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> HttpAnswer {
        if let Err(why) = self.check_signature(&header, body) {
            tracing::warn!(why, "sandbox bank: refused a request signature");
            return HttpAnswer::text(403, &format!("Forbidden: {why}"));
        }
        let request: RpcRequest<Value> = match serde_json::from_slice(body) {
            Ok(request) => request,
            Err(e) => {
                let error = RpcError::new(-32700, format!("Parse error: {e}"));
                return HttpAnswer::json(200, &RpcResponse::failure(Value::Null, error));
            }
        };
        let id = Value::String(request.id.clone());
        let fault = self.faults().take(&request.method);
        let outcome = match fault {
            Some(Fault::Timeout { delay }) => {
                tokio::time::sleep(delay).await;
                return HttpAnswer::text(504, "Gateway Timeout (injected)");
            }
            Some(Fault::Http500) => return HttpAnswer::text(500, "Internal Server Error (injected)"),
            Some(Fault::Error { code, message }) => Err(RpcError::new(code, message)),
            Some(Fault::LostResponse { delay }) => {
                let outcome = dispatch(self, service, &request.method, request.params);
                tokio::time::sleep(delay).await;
                outcome
            }
            None => dispatch(self, service, &request.method, request.params),
        };
        tracing::debug!(method = request.method, ok = outcome.is_ok(), "sandbox bank call");
        let response = match outcome {
            Ok(result) => RpcResponse::success(id, result),
            Err(error) => RpcResponse::failure(id, error),
        };
        HttpAnswer::json(200, &response)
    }

    fn check_signature(&self, header: &impl Fn(&str) -> Option<String>, body: &[u8]) -> Result<(), &'static str> {
        let config = &self.inner.config;
        if header("sign-system").as_deref() != Some(config.system.as_str()) {
            return Err("unknown sign-system");
        }
        if header("sign-thumbprint").as_deref() != Some(config.thumbprint.as_str()) {
            return Err("unknown sign-thumbprint");
        }
        let signature = header("sign-data").ok_or("no sign-data")?;
        if !self.inner.verifier.verify(body, &signature) {
            return Err("sign-data does not verify");
        }
        Ok(())
    }
}
