//! Request signatures: RSASSA-PKCS1-v1_5 with SHA-256 over the exact body bytes, sent as one line
//! of standard base64 in `sign-data`, next to the key's `sign-thumbprint`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{PrivateKey, PublicKey};
use sha1::{Digest, Sha1};

/// Why a key could not be loaded or made.
#[derive(Debug, thiserror::Error)]
#[error("RSA key: {0}")]
pub struct KeyError(String);

/// The platform's private key and the thumbprint Tochka knows it by.
///
/// Keys are read, made and written with `rsa`; signatures are made with `ring` (the same key, as
/// PKCS#8), whose RSA is several times faster: every bank request is signed, so this bounds how
/// many requests a core can send (about 5 ms a signature with `rsa` 0.10 here, under 1 ms with
/// `ring`). Both produce the same deterministic PKCS#1 v1.5 signature.
#[derive(Clone)]
pub struct Signer {
    /// Shared: signing runs on blocking threads, each with a cheap clone of the signer.
    key: std::sync::Arc<PrivateKey>,
    fast: std::sync::Arc<ring::signature::RsaKeyPair>,
    thumbprint: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("thumbprint", &self.thumbprint).finish_non_exhaustive()
    }
}

impl Signer {
    /// Loads a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    /// The thumbprint defaults to [`thumbprint_of`] the public key; Tochka issues the real one,
    /// so set it with [`Signer::with_thumbprint`] for the bank.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let key = PrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| PrivateKey::from_pkcs1_pem(pem))
            .map_err(|e| KeyError(format!("not a PKCS#8 or PKCS#1 RSA private key PEM: {e}")))?;
        Self::from_key(key)
    }

    /// A fresh 2048-bit key, for the local sandbox (keep it: see [`Signer::private_key_pem`]).
    pub fn generate() -> Result<Self, KeyError> {
        let key = PrivateKey::new(&mut getrandom::SysRng, 2048).map_err(|e| KeyError(e.to_string()))?;
        Self::from_key(key)
    }

    fn from_key(key: PrivateKey) -> Result<Self, KeyError> {
        let thumbprint = thumbprint_of(&key.to_public_key());
        let der = key.to_pkcs8_der().map_err(|e| KeyError(e.to_string()))?;
        let fast = ring::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| KeyError(e.to_string()))?;
        Ok(Self { key: std::sync::Arc::new(key), fast: std::sync::Arc::new(fast), thumbprint })
    }

    pub fn with_thumbprint(mut self, thumbprint: impl Into<String>) -> Self {
        self.thumbprint = thumbprint.into();
        self
    }

    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// The value of `sign-data` for these body bytes.
    pub fn sign(&self, body: &[u8]) -> Result<String, KeyError> {
        let mut signature = vec![0; self.fast.public().modulus_len()];
        let rng = ring::rand::SystemRandom::new();
        self.fast
            .sign(&ring::signature::RSA_PKCS1_SHA256, &rng, body, &mut signature)
            .map_err(|e| KeyError(e.to_string()))?;
        Ok(STANDARD.encode(signature))
    }

    /// The public key as PEM (SPKI), what is handed to Tochka (or to the sandbox).
    pub fn public_key_pem(&self) -> String {
        self.key.to_public_key().to_public_key_pem(LineEnding::LF).expect("an RSA public key always encodes")
    }

    /// The private key as PKCS#8 PEM, to keep a generated key on disk.
    pub fn private_key_pem(&self) -> String {
        self.key.to_pkcs8_pem(LineEnding::LF).expect("an RSA private key always encodes").to_string()
    }
}

/// `sha1(DER of the SubjectPublicKeyInfo)` as 40 lowercase hex digits: how the sandbox names a key
/// when no thumbprint is configured.
pub fn thumbprint_of(key: &PublicKey) -> String {
    let der = key.to_public_key_der().expect("an RSA public key always encodes");
    Sha1::digest(der.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks `sign-data` values against the platform's public key (the bank's side of [`Signer`]).
/// Checked with `ring` too: the sandbox bank shares the machine with the platform it serves.
#[derive(Clone)]
pub struct Verifier {
    key: PublicKey,
    /// The key as PKCS#1 DER, what `ring` verifies with.
    pkcs1: std::sync::Arc<Vec<u8>>,
}

impl Verifier {
    pub fn from_public_key_pem(pem: &str) -> Result<Self, KeyError> {
        let key =
            PublicKey::from_public_key_pem(pem).map_err(|e| KeyError(format!("not an RSA public key PEM: {e}")))?;
        let pkcs1 = key.to_pkcs1_der().map_err(|e| KeyError(e.to_string()))?.into_vec();
        Ok(Self { key, pkcs1: std::sync::Arc::new(pkcs1) })
    }

    pub fn thumbprint(&self) -> String {
        thumbprint_of(&self.key)
    }

    /// Whether `sign_data` is a valid signature of exactly `body`.
    pub fn verify(&self, body: &[u8], sign_data: &str) -> bool {
        let Ok(signature) = STANDARD.decode(sign_data.trim()) else {
            return false;
        };
        ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, self.pkcs1.as_slice())
            .verify(body, &signature)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_KEY: &str = include_str!("../../sandbox/tests/fixtures/platform-key.pem");
    const OTHER_KEY: &str = include_str!("../../sandbox/tests/fixtures/impostor-key.pem");

    #[test]
    fn a_signature_verifies_with_the_public_key_over_the_same_bytes_only() {
        let signer = Signer::from_pem(TEST_KEY).unwrap();
        let verifier = Verifier::from_public_key_pem(&signer.public_key_pem()).unwrap();
        let body = br#"{"jsonrpc":"2.0","id":"1","method":"echo","params":{"text":"ok"}}"#;
        let signature = signer.sign(body).unwrap();
        assert!(!signature.contains('\n'));
        assert!(verifier.verify(body, &signature));
        assert!(!verifier.verify(br#"{"jsonrpc":"2.0","id":"1","method":"echo","params":{"text":"no"}}"#, &signature));
        assert!(!verifier.verify(body, "12345"));
        let other = Signer::from_pem(OTHER_KEY).unwrap();
        assert!(!verifier.verify(body, &other.sign(body).unwrap()));
    }

    #[test]
    fn the_default_thumbprint_is_the_sha1_of_the_public_key() {
        let signer = Signer::from_pem(TEST_KEY).unwrap();
        let verifier = Verifier::from_public_key_pem(&signer.public_key_pem()).unwrap();
        assert_eq!(signer.thumbprint().len(), 40);
        assert_eq!(signer.thumbprint(), verifier.thumbprint());
        assert_eq!(signer.with_thumbprint("b30e18d3").thumbprint(), "b30e18d3");
    }

    #[test]
    fn a_key_survives_a_pem_round_trip() {
        let signer = Signer::from_pem(TEST_KEY).unwrap();
        let again = Signer::from_pem(&signer.private_key_pem()).unwrap();
        assert_eq!(signer.sign(b"x").unwrap(), again.sign(b"x").unwrap());
    }
}
