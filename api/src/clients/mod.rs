//! Who is calling, as far as limits are concerned: the client's address (behind the load
//! balancer, from `X-Forwarded-For` as set by a trusted proxy) and the per-client limit on the
//! endpoints that hand out credentials.

mod address;
mod limit;

pub use address::{TrustedProxies, client_address, request_client};
pub use limit::{CREDENTIAL_PATHS, CredentialLimit, DEFAULT_PER_MINUTE, Limiter};

/// What the server knows of its clients: which proxies to believe, and the credential limiter.
#[derive(Debug, Default)]
pub struct Clients {
    pub trusted_proxies: TrustedProxies,
    pub credentials: Limiter,
}

impl Clients {
    pub fn new(trusted_proxies: TrustedProxies) -> Self {
        Self { trusted_proxies, credentials: Limiter::default() }
    }
}
