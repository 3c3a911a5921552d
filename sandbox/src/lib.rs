//! The sandbox bank: a local fake of Tochka's Cyclops that speaks the real wire protocol.
//!
//! It serves the JSON-RPC services of Tochka's Cyclops over HTTP, checks every request's
//! `sign-system`, `sign-thumbprint` and `sign-data` against the platform's public key (a bad or
//! missing signature gets HTTP 403 and changes nothing), and keeps its own books in memory:
//! beneficiaries, virtual accounts, incoming payments, deals and payouts.
//!
//! Routes (see [`app`]):
//!
//! | route | what |
//! | --- | --- |
//! | `POST /api/v1/cyclops/v2/jsonrpc` | Cyclops methods |
//! | `POST /api/v1/cyclops/v3/jsonrpc` | `echo`, `create_beneficiary` (natural persons, sole proprietors) |
//! | `POST /api/v1/tender-helpers/jsonrpc` | `transfer_money`, `send_c2b_credit_transfer_request` |
//! | `GET /pay?purpose=…&amount=1500.00` | a payment page: requisites and a "Pay" button that transfers the money |
//! | `GET /pay/qr/{qrc_id}` | the page an SBP QR code's `url` opens, with a "Pay by SBP" button |
//! | `POST /sandbox/incoming` | `{"amount":"1500.00","purpose":"…"}`: money arrives, unsigned (tests) |
//! | `POST /sandbox/faults` | `{"method":"get_payment","fault":"timeout","times":1}`, or for a while: `{"method":"*","fault":"http_500","for_ms":60000}`, see [`FaultSpec`] |
//! | `DELETE /sandbox/faults` | clears all faults |
//! | `GET /sandbox/state` | everything the bank holds, as JSON |
//!
//! Differences from the real bank, on purpose: incoming money appears at once (not seconds
//! later), executed deals are `closed` at once, no documents are required before `execute_deal`,
//! payments are never retyped to `incoming_unrecognized`, and a repeated `refund_virtual_account`
//! with the same `ext_key` answers with the first payout's payment id.

mod bank;
mod books;
mod config;
mod faults;
mod http;
mod methods;
mod page;

pub use bank::SandboxBank;
pub use config::SandboxConfig;
pub use faults::{ANY_METHOD, Fault, FaultSpec, Span};
pub use http::{SandboxServer, app, serve};
