//! Who is calling: a service client with an API key, a user with a JWT, or nobody.
//!
//! A middleware reads `Authorization: Bearer …` once per request and refuses a token that is
//! neither a configured service key nor a valid user JWT; operations then ask the resulting
//! [`Caller`] whether it may do what it asks.

mod cookies;
mod jwt;
mod scheme;
mod staff;

pub use cookies::{CSRF_COOKIE, SESSION_COOKIE, cookie, set_cookie};
pub use jwt::{Claims, SESSION_TOKEN_LIFETIME, TOKEN_LIFETIME, issue_session_token, issue_token, verify_token};
pub use scheme::{Auth, Authenticated, StaffAuth};
pub use staff::StaffIdentity;

use crate::error::ApiError;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use std::collections::HashSet;
use std::sync::Arc;
use workflows::Actor;
use workflows::staff::Operator;

#[derive(Clone)]
pub struct AuthConfig {
    pub jwt_secret: Arc<[u8]>,
    pub service_keys: Arc<HashSet<String>>,
    /// The Telegram bot's token, which signs Mini App `initData`; without it Mini App sign-in
    /// answers 503.
    pub telegram_bot_token: Option<Arc<str>>,
}

/// What an anonymous caller of an operation that needs one is told (with a 401).
pub const AUTHENTICATION_REQUIRED: &str =
    "authentication required: send 'Authorization: Bearer <service key or user token>'";

/// The authenticated identity of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// A service client (bot adapter, integration) or staff tool: may act for any user.
    Service,
    /// An end user: may act only for themselves.
    User(i64),
    /// A staff member logged in to the admin app (session cookie or staff bearer token): may act
    /// for anyone, like a service client, and is named in the audit log.
    Staff(i64),
}

impl Caller {
    /// The domain actor, or 401 for anonymous callers.
    pub fn actor(self) -> Result<Actor, ApiError> {
        match self {
            Self::Anonymous => Err(ApiError::unauthorized(AUTHENTICATION_REQUIRED)),
            Self::Service | Self::Staff(_) => Ok(Actor::System),
            Self::User(id) => Ok(Actor::User(id)),
        }
    }

    /// Who makes a staff write: staff and service keys; 401 for anonymous callers, 403 for people.
    pub fn require_staff(self) -> Result<Operator, ApiError> {
        match self {
            Self::Anonymous => Err(ApiError::unauthorized(AUTHENTICATION_REQUIRED)),
            Self::User(_) => Err(ApiError::forbidden("staff only: log in at /api/admin/auth/")),
            Self::Service => Ok(Operator::Service),
            Self::Staff(id) => Ok(Operator::Staff(id)),
        }
    }

    /// The actor, if it may act as `user_id` (403 otherwise).
    pub fn acting_for(self, user_id: i64) -> Result<Actor, ApiError> {
        let actor = self.actor()?;
        if !actor.may_act_for(user_id) {
            return Err(ApiError::forbidden(format!("you may act only for yourself, not for user {user_id}")));
        }
        Ok(actor)
    }

    /// The person an action is for: `user_id` when given (which a user may name only as
    /// themselves), otherwise the calling user; service clients must name one (400).
    pub fn person(self, user_id: Option<i64>) -> Result<(Actor, i64), ApiError> {
        match (self.actor()?, user_id) {
            (_, Some(id)) => Ok((self.acting_for(id)?, id)),
            (Actor::User(me), None) => Ok((Actor::User(me), me)),
            (Actor::System, None) => {
                Err(ApiError::bad_request("user_id is required with a service key", "validation_error"))
            }
        }
    }

    /// The user a list of `what` is limited to: any (or all) for service clients, the caller for
    /// users, who may name only themselves (403 otherwise).
    pub fn own_list(self, user_id: Option<i64>, what: &str) -> Result<Option<i64>, ApiError> {
        match (self.actor()?, user_id) {
            (Actor::System, any) => Ok(any),
            (Actor::User(me), None) => Ok(Some(me)),
            (Actor::User(me), Some(id)) if id == me => Ok(Some(me)),
            (Actor::User(_), Some(id)) => {
                Err(ApiError::forbidden(format!("you may see only your own {what}, not user {id}'s")))
            }
        }
    }

    /// Only service clients (and staff tools) may do this.
    pub fn require_service(self) -> Result<(), ApiError> {
        match self.actor()? {
            Actor::System => Ok(()),
            Actor::User(_) => Err(ApiError::forbidden("this operation needs a service API key")),
        }
    }
}

/// The middleware that establishes the [`Caller`] of every request: from the `Authorization`
/// header when there is one, otherwise from the admin app's session cookie.
pub struct Authenticate {
    pub config: AuthConfig,
    /// Where staff sessions are looked up.
    pub pool: workflows::db::PgPool,
}

impl<E: Endpoint> Middleware<E> for Authenticate {
    type Output = AuthenticateEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        AuthenticateEndpoint { inner: ep, config: self.config.clone(), pool: self.pool.clone() }
    }
}

pub struct AuthenticateEndpoint<E> {
    inner: E,
    config: AuthConfig,
    pool: workflows::db::PgPool,
}

impl<E: Endpoint> Endpoint for AuthenticateEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let caller = match req.header("authorization").map(bearer) {
            None => staff::from_session_cookie(&self.pool, &mut req).await,
            Some(Err(err)) => Err(err),
            Some(Ok(token)) if self.config.service_keys.contains(token) => Ok(Caller::Service),
            Some(Ok(token)) if token.starts_with(workflows::staff::session::TOKEN_PREFIX) => {
                let token = token.to_string();
                staff::from_bearer(&self.pool, &mut req, token).await
            }
            Some(Ok(token)) => match verify_token(&self.config.jwt_secret, token) {
                Ok(claims) => user_of(&self.pool, claims).await,
                Err(e) => Err(ApiError::unauthorized(format!("invalid token: {e}"))),
            },
        };
        let caller = match caller {
            Ok(caller) => caller,
            Err(err) => return Ok(err.into_response()),
        };
        req.extensions_mut().insert(caller);
        let hands_out_csrf = staff::hands_out_csrf_cookie(&req);
        let mut response = self.inner.call(req).await.map(IntoResponse::into_response)?;
        if let Some(cookie) = hands_out_csrf {
            response.headers_mut().append(poem::http::header::SET_COOKIE, cookie);
        }
        Ok(response)
    }
}

/// The person a valid user token names; a web cabinet token only while its session lives
/// (signing out ends it at once).
async fn user_of(pool: &workflows::db::PgPool, claims: Claims) -> Result<Caller, ApiError> {
    if let Some(sid) = claims.sid
        && !workflows::users::web_session::is_live(pool, sid, chrono::Utc::now()).await?
    {
        return Err(ApiError::unauthorized("invalid token: the session has ended; sign in again"));
    }
    Ok(Caller::User(claims.user_id))
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(header: &str) -> Result<&str, ApiError> {
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be 'Bearer <token>'"))
}
