use super::Tag;
use crate::auth::{Authenticated, TOKEN_LIFETIME, issue_session_token, issue_token};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::procurement::UserRef;
use chrono::{DateTime, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use workflows::users::web_session::{self, SignedInVia};

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

/// A signed-in web cabinet session: a short access token and the refresh token that renews it.
#[derive(Object)]
struct SessionOut {
    /// HS256 JWT with the `user_id` claim, as `/auth/token` issues, valid for an hour and only
    /// while the session lives; send it as `Authorization: Bearer <token>`.
    token: String,
    user_id: i64,
    expires_at: DateTime<Utc>,
    /// Renews the session at `POST /api/auth/refresh/` (each one works once); the session ends
    /// after 30 days without renewal or at `POST /api/auth/logout/`.
    refresh_token: String,
}

/// `initData` as the Mini App page received it from Telegram (`Telegram.WebApp.initData`).
#[derive(Object)]
struct MiniAppIn {
    #[oai(validator(min_length = 1, max_length = 8192), deserialize_with = "crate::wire::strict")]
    init_data: String,
}

#[derive(Object)]
struct RefreshIn {
    #[oai(validator(max_length = 200), deserialize_with = "crate::wire::strict")]
    refresh_token: String,
}

#[derive(Object)]
struct LoggedOut {
    detail: String,
}

/// A refusal of a credential (code, initData, refresh token) is a 401, whatever the reason.
fn as_unauthorized(e: workflows::DomainError) -> ApiError {
    match e {
        workflows::DomainError::Forbidden { message } => ApiError::unauthorized(message),
        other => other.into(),
    }
}

impl AuthApi {
    fn session_out(&self, session: workflows::users::web_session::WebSession) -> SessionOut {
        let (token, exp) = issue_session_token(&self.0.auth.jwt_secret, session.user_id, session.id);
        let expires_at = DateTime::from_timestamp(exp as i64, 0).unwrap_or_default();
        SessionOut { token, user_id: session.user_id, expires_at, refresh_token: session.refresh_token }
    }

    async fn open_session(&self, user_id: i64, via: SignedInVia) -> ApiResult<Json<SessionOut>> {
        let session = web_session::open(&self.0.pool, user_id, via, Utc::now()).await?;
        Ok(Json(self.session_out(session)))
    }
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

    /// Exchange a one-time login-link code for a web session (no authentication: the code is
    /// the credential). Each code works once, within 15 minutes of being issued; an unknown,
    /// used or expired code is a 401.
    #[oai(path = "/auth/login-link", method = "post")]
    async fn login_link(&self, body: Json<LoginLinkIn>) -> ApiResult<Json<SessionOut>> {
        let user_id =
            workflows::users::redeem_login_code(&self.0.pool, &body.code, Utc::now()).await.map_err(as_unauthorized)?;
        self.open_session(user_id, SignedInVia::LoginLink).await
    }

    /// Sign in from the Telegram Mini App: the server checks `initData` against the bot token
    /// (HMAC-SHA256) and its age (`auth_date` within 24 hours) and signs the person in as that
    /// Telegram identity, registering them on the first visit. A forged, foreign or stale one is
    /// a 401; without a configured bot this is a 503.
    #[oai(path = "/auth/telegram-webapp", method = "post")]
    async fn telegram_webapp(&self, body: Json<MiniAppIn>) -> ApiResult<Json<SessionOut>> {
        let Some(bot_token) = self.0.auth.telegram_bot_token.as_deref() else {
            return Err(ApiError::Unavailable(Json(crate::error::ErrorBody {
                error: "Telegram sign-in is not configured on this server (TELEGRAM_TOKEN)".into(),
                code: "telegram_not_configured".into(),
            })));
        };
        let user = workflows::users::mini_app::sign_in(&self.0.pool, &body.init_data, bot_token, Utc::now())
            .await
            .map_err(as_unauthorized)?;
        self.open_session(user.id, SignedInVia::Telegram).await
    }

    /// Renew a web session: a fresh access token and the next refresh token (the one sent stops
    /// working; sending a used one again ends the session, since someone copied it).
    #[oai(path = "/auth/refresh", method = "post")]
    async fn refresh(&self, body: Json<RefreshIn>) -> ApiResult<Json<SessionOut>> {
        let session =
            web_session::refresh(&self.0.pool, &body.refresh_token, Utc::now()).await.map_err(as_unauthorized)?;
        Ok(Json(self.session_out(session)))
    }

    /// Sign out: the session of the access token sent ends, and its access and refresh tokens
    /// stop working at once. A token without a session (one a bot handed out, a service key) has
    /// nothing to end: still a 200, as signing out twice is.
    #[oai(path = "/auth/logout", method = "post")]
    async fn logout(&self, req: &poem::Request, auth: Authenticated) -> ApiResult<Json<LoggedOut>> {
        auth.caller().actor()?;
        let sid = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .and_then(|token| crate::auth::verify_token(&self.0.auth.jwt_secret, token.trim()).ok())
            .and_then(|claims| claims.sid);
        if let Some(sid) = sid {
            web_session::end(&self.0.pool, sid, Utc::now()).await?;
        }
        Ok(Json(LoggedOut { detail: "Logged out".into() }))
    }
}
