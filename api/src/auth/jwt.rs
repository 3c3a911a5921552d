//! User tokens: HS256 JWTs with a `user_id` claim (the original product's WebSocket token
//! format) and an expiry.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Web cabinet access tokens: short, since the app renews them with its refresh token.
pub const SESSION_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub user_id: i64,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// The web session the token belongs to: it stops working when the session ends. Tokens the
    /// bots hand out (`/api/auth/token`) have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<uuid::Uuid>,
}

/// Issues a token for `user_id` valid for `lifetime`; returns it with its expiry.
pub fn issue_token(secret: &[u8], user_id: i64, lifetime: Duration) -> (String, u64) {
    sign(secret, user_id, None, lifetime)
}

/// Issues an access token of web session `sid`, valid for [`SESSION_TOKEN_LIFETIME`].
pub fn issue_session_token(secret: &[u8], user_id: i64, sid: uuid::Uuid) -> (String, u64) {
    sign(secret, user_id, Some(sid), SESSION_TOKEN_LIFETIME)
}

fn sign(secret: &[u8], user_id: i64, sid: Option<uuid::Uuid>, lifetime: Duration) -> (String, u64) {
    let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs()
        + lifetime.as_secs();
    let claims = Claims { user_id, exp, sid };
    let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret))
        .expect("HS256 signing with an in-memory key cannot fail");
    (token, exp)
}

pub fn verify_token(secret: &[u8], token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp"]);
    validation.leeway = 5;
    decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation).map(|data| data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let (token, _) = issue_token(b"secret", 42, TOKEN_LIFETIME);
        assert_eq!(verify_token(b"secret", &token).unwrap().user_id, 42);
        assert!(verify_token(b"other", &token).is_err());
        assert!(verify_token(b"secret", "not.a.jwt").is_err());
        let expired = encode(
            &Header::new(Algorithm::HS256),
            &Claims { user_id: 1, exp: 1_000, sid: None },
            &EncodingKey::from_secret(b"secret"),
        )
        .unwrap();
        assert!(verify_token(b"secret", &expired).is_err());
    }
}
