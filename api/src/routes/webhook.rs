//! Tochka's webhook notifications (`incomingPayment`, `incomingSbpPayment`, …).
//!
//! Tochka POSTs `Content-Type: text/plain` whose body is a JWT signed RS256 with its key. A
//! notification is only a nudge to re-query the bank, never the source of truth: a verified one
//! is recorded in `bank_webhooks` and queues a reconciliation run (`Job::ReconcileBank`) in the
//! same transaction; the same notification again changes nothing. Anything not signed by the
//! configured key is refused with 401 and changes nothing. Without a configured key
//! (`TOCHKA_WEBHOOK_PUBLIC_KEY_PATH`) the endpoint answers 503 and changes nothing.

use super::Tag;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde_json::Value;
use workflows::payments;

pub struct WebhookApi(pub AppState);

/// A notification taken in.
#[derive(Debug, Clone, Object)]
pub struct WebhookReceived {
    /// What identifies the notification: the bank's `paymentId` / `operationId`, else the
    /// sha256 of the token.
    pub id: String,
    /// The notification's `webhookType` (`incomingPayment`, `incomingSbpPayment`, …).
    pub webhook_type: String,
    /// True when this notification had already been received: nothing was done again.
    pub duplicate: bool,
}

#[derive(ApiResponse)]
pub enum WebhookResponse {
    /// Verified and recorded (or already recorded); a reconciliation run is queued.
    #[oai(status = 200)]
    Received(Json<WebhookReceived>),
    /// No Tochka public key is configured (`TOCHKA_WEBHOOK_PUBLIC_KEY_PATH`): nothing can be
    /// verified, so nothing is accepted.
    #[oai(status = 503)]
    NotConfigured(Json<ErrorBody>),
}

#[OpenApi(tag = "Tag::Payments")]
impl WebhookApi {
    /// Tochka's signed notification. The body (`text/plain`) is a JWT signed RS256 with Tochka's
    /// key; `exp` is checked when present. A valid one queues a re-query of the bank (the
    /// notification itself is not trusted for amounts or state) and is answered 200, also when
    /// it is a replay. A forged, unsigned or malformed one is refused with 401.
    #[oai(path = "/payments/webhook/tochka", method = "post")]
    async fn tochka(&self, body: Vec<u8>) -> ApiResult<WebhookResponse> {
        let Some(key) = self.0.webhook_key.as_deref() else {
            tracing::warn!("Tochka webhook refused: TOCHKA_WEBHOOK_PUBLIC_KEY_PATH is not configured");
            return Ok(WebhookResponse::NotConfigured(Json(ErrorBody {
                error: "webhooks are not configured: no Tochka public key".into(),
                code: "webhook_not_configured".into(),
            })));
        };
        let token = std::str::from_utf8(&body).map(str::trim).unwrap_or_default();
        let claims = verify(key, token).map_err(|e| {
            tracing::warn!(error = %e, "Tochka webhook refused: not validly signed");
            ApiError::unauthorized(format!("invalid webhook signature: {e}"))
        })?;
        let webhook_type = claims.get("webhookType").and_then(Value::as_str).unwrap_or_default().to_string();

        let recorded =
            payments::record_webhook(&self.0.pool, token, notification_id(&claims), &webhook_type, &claims).await?;
        let (id, duplicate) = (recorded.id, recorded.duplicate);
        tracing::info!(id, webhook_type, duplicate, "Tochka webhook received");
        Ok(WebhookResponse::Received(Json(WebhookReceived { id, webhook_type, duplicate })))
    }
}

/// The claims of `token` if Tochka's key signed it with RS256 (nothing else: no `none`, no HMAC
/// with the public key as secret), and it has not expired when it says when it expires.
fn verify(key: &DecodingKey, token: &str) -> Result<Value, jsonwebtoken::errors::Error> {
    let mut validation = Validation::new(Algorithm::RS256);
    // Tochka's tokens may carry no `exp`; one that does is still checked.
    validation.required_spec_claims.clear();
    validation.validate_exp = true;
    let claims = jsonwebtoken::decode::<Value>(token, key, &validation)?.claims;
    if !claims.is_object() {
        return Err(jsonwebtoken::errors::ErrorKind::InvalidToken.into());
    }
    Ok(claims)
}

/// The bank's own id of what the notification is about (`paymentId` for transfers,
/// `operationId` for SBP and acquiring), when it is a sane key.
fn notification_id(claims: &Value) -> Option<String> {
    ["paymentId", "operationId"].iter().find_map(|field| {
        let id = match claims.get(*field)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (!id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic())).then_some(id)
    })
}

/// Tochka's public key from a file: PEM (`-----BEGIN PUBLIC KEY-----`), or the JWK (or JWK set)
/// Tochka publishes at `https://enter.tochka.com/doc/openapi/static/keys/public`.
pub fn decoding_key_from_file(path: &std::path::Path) -> Result<DecodingKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let parsed = if text.trim_start().starts_with('{') {
        let jwk = match serde_json::from_str::<JwkSet>(&text) {
            Ok(set) => set
                .keys
                .into_iter()
                .find(|k| matches!(k.algorithm, AlgorithmParameters::RSA(_)))
                .ok_or_else(|| "the JWK set has no RSA key".to_string()),
            Err(_) => serde_json::from_str::<Jwk>(&text).map_err(|e| format!("not a JWK: {e}")),
        }?;
        DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())
    } else {
        DecodingKey::from_rsa_pem(text.as_bytes()).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| format!("{} is not an RSA public key: {e}", path.display()))
}
