//! Tochka's Cyclops: JSON-RPC 2.0 over HTTPS, every request signed as Tochka documents.
//!
//! Always: the wire types of every method the platform uses (public, so the sandbox bank serves
//! exactly what the client sends), `wire` (the envelope, business error codes, the services),
//! `rubles` (exact amounts), `signer` (signing and verification). With the `client` feature:
//! the HTTP client, and its implementation of the platform's bank port (`workflows::bank::Bank`).
//! The sandbox bank uses the crate without it, so it does not depend on the domain.

// Without the client, the method modules keep imports only their client halves use.
#![cfg_attr(not(feature = "client"), allow(unused_imports))]

pub mod accounts;
#[cfg(feature = "client")]
mod client;
pub mod deals;
pub mod ledger_lists;
pub mod payments;
pub mod payouts;
#[cfg(feature = "client")]
mod port;
pub mod rubles;
pub mod sbp;
mod signer;
pub mod wire;

#[cfg(feature = "client")]
pub use client::CyclopsConfig;
#[cfg(feature = "client")]
pub use sbp::TenderHelpers;
pub use signer::{KeyError, Signer, Verifier, thumbprint_of};
pub use wire::Service;

#[cfg(feature = "client")]
pub use client_handle::CyclopsClient;

#[cfg(feature = "client")]
mod client_handle {
    use crate::client::{CyclopsConfig, Transport};
    use crate::sbp::TenderHelpers;
    use workflows::bank::BankResult;

    /// Talks to Tochka's Cyclops (or the local sandbox bank); implements `workflows::bank::Bank`.
    #[derive(Clone)]
    pub struct CyclopsClient {
        pub(crate) rpc: Transport,
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
}
