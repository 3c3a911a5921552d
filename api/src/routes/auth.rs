use super::Tag;
use crate::auth::{Authenticated, TOKEN_LIFETIME, issue_token};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::procurement::UserRef;
use chrono::{DateTime, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

pub struct AuthApi(pub AppState);

#[derive(Object)]
struct TokenOut {
    /// HS256 JWT with the `user_id` claim; send it as `Authorization: Bearer <token>`.
    token: String,
    user_id: i64,
    expires_at: DateTime<Utc>,
}

/// A one-time code from a login link the bot sent (`{web}/login?code=...`).
#[derive(Object)]
struct LoginLinkIn {
    code: String,
}

#[derive(Object)]
struct LoginLinkOut {
    /// HS256 JWT with the `user_id` claim, as `/auth/token` issues.
    token: String,
    user_id: i64,
}

#[OpenApi(tag = "Tag::Auth")]
impl AuthApi {
    /// Issue a user token (service key required): how bots hand users a login to the web app.
    #[oai(path = "/auth/token", method = "post")]
    async fn token(&self, auth: Authenticated, body: Json<UserRef>) -> ApiResult<Json<TokenOut>> {
        auth.caller().require_service()?;
        let user = workflows::users::require_active(&mut *self.0.pool.acquire().await?, body.user_id).await?;
        let (token, exp) = issue_token(&self.0.auth.jwt_secret, user.id, TOKEN_LIFETIME);
        let expires_at = DateTime::from_timestamp(exp as i64, 0).unwrap_or_default();
        Ok(Json(TokenOut { token, user_id: user.id, expires_at }))
    }

    /// Exchange a one-time login-link code for the person's token (no authentication: the code
    /// is the credential). Each code works once, within 15 minutes of being issued; an unknown,
    /// used or expired code is a 401.
    #[oai(path = "/auth/login-link", method = "post")]
    async fn login_link(&self, body: Json<LoginLinkIn>) -> ApiResult<Json<LoginLinkOut>> {
        let user_id =
            workflows::users::redeem_login_code(&self.0.pool, &body.code, Utc::now()).await.map_err(|e| match e {
                workflows::DomainError::Forbidden { message } => ApiError::unauthorized(message),
                other => other.into(),
            })?;
        let (token, _) = issue_token(&self.0.auth.jwt_secret, user_id, TOKEN_LIFETIME);
        Ok(Json(LoginLinkOut { token, user_id }))
    }
}
