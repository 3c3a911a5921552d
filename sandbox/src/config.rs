//! Who the sandbox trusts and which nominal account it plays.

use cyclops::Signer;

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The platform's RSA public key (SPKI PEM) that every `sign-data` must verify with.
    pub public_key_pem: String,
    /// The expected `sign-system`.
    pub system: String,
    /// The expected `sign-thumbprint`.
    pub thumbprint: String,
    /// The nominal account money arrives to (20 digits) and its bank's BIC.
    pub nominal_account: String,
    pub bic: String,
}

impl SandboxConfig {
    /// The nominal account and BIC of Tochka's `pre` layer examples.
    pub const TEST_NOMINAL_ACCOUNT: &str = "40702810620000088278";
    pub const TEST_BIC: &str = "044525104";

    /// Trusts this signer under `system`, with the test nominal account.
    pub fn trusting(signer: &Signer, system: impl Into<String>) -> Self {
        Self {
            public_key_pem: signer.public_key_pem(),
            system: system.into(),
            thumbprint: signer.thumbprint().to_string(),
            nominal_account: Self::TEST_NOMINAL_ACCOUNT.into(),
            bic: Self::TEST_BIC.into(),
        }
    }
}
