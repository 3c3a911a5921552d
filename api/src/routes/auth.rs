use super::Tag;
use crate::auth::{Authenticated, TOKEN_LIFETIME, issue_token};
use crate::error::ApiResult;
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
}
