//! The sandbox over HTTP: the JSON-RPC services, the payment page, and the control endpoints.

use crate::bank::{HttpAnswer, SandboxBank};
use crate::faults::FaultSpec;
use crate::page;
use cyclops::Service;
use money::Money;
use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Json};
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route, handler, post};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The sandbox's routes (see the crate docs).
pub fn app(bank: SandboxBank) -> impl Endpoint {
    Route::new()
        .at("/api/v1/cyclops/v2/jsonrpc", post(cyclops_v2))
        .at("/api/v1/cyclops/v3/jsonrpc", post(cyclops_v3))
        .at("/api/v1/tender-helpers/jsonrpc", post(tender_helpers))
        .at("/pay", poem::get(page::pay_form).post(page::pay))
        .at("/pay/qr/:qrc_id", poem::get(page::qr_form).post(page::pay_qr))
        .at("/sandbox/incoming", post(incoming))
        .at("/sandbox/faults", post(set_fault).delete(clear_faults))
        .at("/sandbox/state", poem::get(state))
        .data(bank)
}

async fn rpc(bank: &SandboxBank, service: Service, req: &Request, body: Body) -> Response {
    let body = match body.into_bytes().await {
        Ok(bytes) => bytes,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let HttpAnswer { status, body } = bank.handle(service, header, &body).await;
    let content_type = if status == 200 { "application/json" } else { "text/plain; charset=utf-8" };
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .content_type(content_type)
        .body(body)
}

#[handler]
async fn cyclops_v2(req: &Request, body: Body, bank: Data<&SandboxBank>) -> Response {
    rpc(&bank, Service::CyclopsV2, req, body).await
}

#[handler]
async fn cyclops_v3(req: &Request, body: Body, bank: Data<&SandboxBank>) -> Response {
    rpc(&bank, Service::CyclopsV3, req, body).await
}

#[handler]
async fn tender_helpers(req: &Request, body: Body, bank: Data<&SandboxBank>) -> Response {
    rpc(&bank, Service::TenderHelpers, req, body).await
}

/// `POST /sandbox/incoming {"amount":"1500.00","purpose":"…"}`: a transfer arrives, unsigned.
#[derive(Deserialize)]
struct IncomingBody {
    amount: String,
    purpose: String,
}

#[handler]
fn incoming(body: Json<IncomingBody>, bank: Data<&SandboxBank>) -> Response {
    let Ok(amount) = body.amount.parse::<Money>() else {
        return bad_request("amount must be a decimal like \"1500.00\"");
    };
    match bank.receive_transfer(amount, &body.purpose) {
        Ok(payment_id) => Json(json!({ "payment_id": payment_id })).into_response(),
        Err(e) => bad_request(&e.message),
    }
}

#[handler]
fn set_fault(body: Json<FaultSpec>, bank: Data<&SandboxBank>) -> Response {
    match body.fault() {
        Ok(fault) => {
            bank.inject_for(&body.method, fault, body.span());
            Json(json!({ "ok": true })).into_response()
        }
        Err(why) => bad_request(&why),
    }
}

#[handler]
fn clear_faults(bank: Data<&SandboxBank>) -> Json<Value> {
    bank.clear_faults();
    Json(json!({ "ok": true }))
}

#[handler]
fn state(bank: Data<&SandboxBank>) -> Json<Value> {
    Json(bank.snapshot())
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message, "code": "bad_request" }))).into_response()
}

/// A running sandbox. It keeps serving when this handle is dropped; call [`SandboxServer::shutdown`]
/// to stop it.
pub struct SandboxServer {
    addr: SocketAddr,
    bank: SandboxBank,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SandboxServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API root to give the Cyclops client (`http://host:port/api/v1`).
    pub fn api_url(&self) -> String {
        format!("{}/api/v1", self.url())
    }

    /// The page where a person pays `amount` with `purpose` (the deposit's confirmation URL).
    pub fn payment_page_url(&self, amount: Money, purpose: &str) -> String {
        page::payment_page_url(&self.url(), amount, purpose)
    }

    pub fn bank(&self) -> &SandboxBank {
        &self.bank
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Serves the sandbox on `addr` (`127.0.0.1:0` picks a free port) in a background task; the
/// handle tells the bound address.
pub async fn serve(addr: &str, bank: SandboxBank) -> std::io::Result<SandboxServer> {
    let acceptor = TcpListener::bind(addr.to_string()).into_acceptor().await?;
    let bound = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other("the sandbox listener has no socket address"))?;
    let host = if bound.ip().is_unspecified() { SocketAddr::from(([127, 0, 0, 1], bound.port())) } else { bound };
    bank.set_public_url(format!("http://{host}"));
    let (stop, stopped) = oneshot::channel::<()>();
    let endpoint = app(bank.clone());
    let task = tokio::spawn(async move {
        poem::Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(endpoint, async move { drop(stopped.await) }, None)
            .await
    });
    tracing::info!(addr = %bound, "sandbox bank listening");
    Ok(SandboxServer { addr: host, bank, stop: Some(stop), task: Some(task) })
}
