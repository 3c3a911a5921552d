//! Staff sessions: one random secret per login that is both the admin app's session cookie and an
//! API client's bearer token. Only its SHA-256 is stored (computed by PostgreSQL).

use crate::error::DomainResult;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};

/// How long a login lasts: a working day; staff log in again the next morning.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Staff tokens start with this, so the API tells them from user JWTs and service keys at a glance.
pub const TOKEN_PREFIX: &str = "gbs_";

/// A logged-in staff member, as `GET /api/admin/auth/` shows them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub is_superuser: bool,
}

/// A fresh token: the prefix and two v4 UUIDs (244 random bits from the OS generator).
fn random_token() -> String {
    format!("{TOKEN_PREFIX}{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Opens a session for a staff member; the token is shown once and never stored.
pub(super) async fn open(conn: &mut PgConnection, user_id: i64, now: DateTime<Utc>) -> DomainResult<String> {
    let token = random_token();
    sqlx::query(
        "INSERT INTO staff_sessions (user_id, token_hash, created_at, expires_at)
         VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, $4)",
    )
    .bind(user_id)
    .bind(&token)
    .bind(now)
    .bind(now + SESSION_LIFETIME)
    .execute(conn)
    .await?;
    Ok(token)
}

/// The staff member a token belongs to, if it is a live session of an account that is still
/// active staff; `None` for anything else (unknown, expired, revoked, demoted).
pub async fn staff_of_token(pool: &PgPool, token: &str, now: DateTime<Utc>) -> DomainResult<Option<Staff>> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 100 {
        return Ok(None);
    }
    let staff = sqlx::query_as::<_, Staff>(
        "SELECT u.id, u.username, u.email, u.is_superuser
         FROM staff_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = sha256(convert_to($1, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > $2
           AND u.is_staff AND u.is_active",
    )
    .bind(token)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(staff)
}

/// Ends a session on the server: the token stops working at once, as cookie and as bearer.
/// Whether a live session was ended.
pub async fn log_out(pool: &PgPool, token: &str, now: DateTime<Utc>) -> DomainResult<bool> {
    let done = sqlx::query(
        "UPDATE staff_sessions SET revoked_at = $2
         WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND revoked_at IS NULL",
    )
    .bind(token)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a person (their password was reset, or they lost staff rights).
pub async fn revoke_all(conn: &mut PgConnection, user_id: i64, now: DateTime<Utc>) -> DomainResult<u64> {
    let done = sqlx::query("UPDATE staff_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
