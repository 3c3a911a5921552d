//! Web cabinet sessions: a session per sign-in, renewed with a rotating refresh token and ended by
//! signing out. Access tokens (issued by the API) carry the session id and stop working when the
//! session ends; refresh tokens are stored only as their SHA-256 (computed by PostgreSQL).

use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// How long a session lives without being used: renewing it starts the period again.
pub const SESSION_IDLE_LIFETIME: Duration = Duration::days(30);

/// How a person signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInVia {
    LoginLink,
    Telegram,
}

impl SignedInVia {
    fn as_str(self) -> &'static str {
        match self {
            Self::LoginLink => "login_link",
            Self::Telegram => "telegram",
        }
    }
}

/// A live session: who, and the refresh token that renews it (shown once).
#[derive(Debug, Clone)]
pub struct WebSession {
    pub id: Uuid,
    pub user_id: i64,
    pub refresh_token: String,
}

/// A fresh refresh token: 244 random bits from the OS generator, as hex.
fn random_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// Opens a session for `user_id`.
pub async fn open(pool: &PgPool, user_id: i64, via: SignedInVia, now: DateTime<Utc>) -> DomainResult<WebSession> {
    let (id, refresh_token) = (Uuid::new_v4(), random_token());
    sqlx::query(
        "INSERT INTO web_sessions (id, user_id, via, refresh_hash, created_at, refreshed_at, expires_at)
         VALUES ($1, $2, $3, sha256(convert_to($4, 'UTF8')), $5, $5, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(via.as_str())
    .bind(&refresh_token)
    .bind(now)
    .bind(now + SESSION_IDLE_LIFETIME)
    .execute(pool)
    .await?;
    Ok(WebSession { id, user_id, refresh_token })
}

/// Renews a session: its next refresh token (the one given stops working). A token that was
/// already rotated out ends the whole session (someone else holds a copy); unknown, expired or
/// ended sessions, and deactivated people, are refused with `Forbidden`.
pub async fn refresh(pool: &PgPool, refresh_token: &str, now: DateTime<Utc>) -> DomainResult<WebSession> {
    let refused = || DomainError::forbidden("the session is unknown, expired or ended: sign in again");
    if refresh_token.len() != 64 || !refresh_token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused());
    }
    let next = random_token();
    let mut tx = pool.begin().await?;
    let renewed: Option<(Uuid, i64)> = sqlx::query_as(
        "UPDATE web_sessions SET previous_refresh_hash = refresh_hash, refresh_hash = sha256(convert_to($2, 'UTF8')),
                refreshed_at = $3, expires_at = $4
         WHERE refresh_hash = sha256(convert_to($1, 'UTF8')) AND revoked_at IS NULL AND expires_at > $3
         RETURNING id, user_id",
    )
    .bind(refresh_token)
    .bind(&next)
    .bind(now)
    .bind(now + SESSION_IDLE_LIFETIME)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, user_id)) = renewed else {
        // a rotated-out token presented again: end the session it belonged to
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = $2
             WHERE previous_refresh_hash = sha256(convert_to($1, 'UTF8')) AND revoked_at IS NULL",
        )
        .bind(refresh_token)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Err(refused());
    };
    super::require_active(&mut tx, user_id).await.map_err(|_| refused())?;
    tx.commit().await?;
    Ok(WebSession { id, user_id, refresh_token: next })
}

/// Ends a session (signing out); whether it was live.
pub async fn end(pool: &PgPool, id: Uuid, now: DateTime<Utc>) -> DomainResult<bool> {
    let done = sqlx::query("UPDATE web_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether access tokens of session `id` still work: not ended, not expired, the person active.
pub async fn is_live(pool: &PgPool, id: Uuid, now: DateTime<Utc>) -> DomainResult<bool> {
    let live: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM web_sessions s JOIN users u ON u.id = s.user_id
                        WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.is_active)",
    )
    .bind(id)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(live)
}
