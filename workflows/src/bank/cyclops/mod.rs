//! The Cyclops client: JSON-RPC 2.0 over HTTPS, every request signed as Tochka documents.
//!
//! `client` sends and decodes, `signer` signs, `wire` holds the envelope and error mapping,
//! `rubles` the exact amount conversion; the other modules group the methods and their wire types
//! (public, so the sandbox bank serves exactly what the client sends).

pub mod accounts;
mod client;
pub mod deals;
pub mod ledger_lists;
pub mod payments;
pub mod payouts;
mod port;
pub mod rubles;
pub mod sbp;
mod signer;
pub mod wire;

pub use client::{CyclopsConfig, Service};
pub use sbp::TenderHelpers;
pub use signer::{KeyError, Signer, Verifier, thumbprint_of};

use crate::bank::BankResult;
use client::Transport;

/// Talks to Tochka's Cyclops (or the local sandbox bank); implements [`crate::bank::Bank`].
#[derive(Clone)]
pub struct CyclopsClient {
    rpc: Transport,
}

impl CyclopsClient {
    pub fn new(config: CyclopsConfig) -> BankResult<Self> {
        Ok(Self { rpc: Transport::new(config)? })
    }

    /// The sandbox-only helpers, signed the same way.
    pub fn tender_helpers(&self) -> TenderHelpers {
        TenderHelpers::new(self.rpc.clone())
    }

    pub fn config(&self) -> &CyclopsConfig {
        self.rpc.config()
    }
}
