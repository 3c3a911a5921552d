//! One-time login links: a random code the bot sends in a link to the web cabinet, exchanged
//! once for the person's token. The code is stored only as its SHA-256 (computed by PostgreSQL),
//! so the table itself logs nobody in.

use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

/// How long a link works: long enough to open it, short enough that a forwarded chat is harmless.
pub const LOGIN_LINK_LIFETIME: Duration = Duration::minutes(15);

/// A fresh code: two v4 UUIDs (244 random bits from the OS generator) as 64 hex digits.
fn random_code() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Issues a single-use login code for an active user, valid for [`LOGIN_LINK_LIFETIME`].
pub async fn issue_login_code(pool: &PgPool, user_id: i64, now: DateTime<Utc>) -> DomainResult<String> {
    let mut conn = pool.acquire().await?;
    super::require_active(&mut conn, user_id).await?;
    let code = random_code();
    sqlx::query(
        "INSERT INTO login_links (user_id, code_hash, expires_at) VALUES ($1, sha256(convert_to($2, 'UTF8')), $3)",
    )
    .bind(user_id)
    .bind(&code)
    .bind(now + LOGIN_LINK_LIFETIME)
    .execute(&mut *conn)
    .await?;
    Ok(code)
}

/// Spends a login code: the user it was issued to, exactly once. An unknown, used or expired
/// code, or one of a deactivated user, is refused as `Forbidden` and changes nothing.
pub async fn redeem_login_code(pool: &PgPool, code: &str, now: DateTime<Utc>) -> DomainResult<i64> {
    let refused = || DomainError::forbidden("the login link is unknown, already used or expired");
    let code = code.trim();
    // codes are 64 hex digits; anything else cannot match and is not worth hashing
    if code.len() != 64 || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused());
    }
    let mut tx = pool.begin().await?;
    let user_id: Option<i64> = sqlx::query_scalar(
        "UPDATE login_links SET used_at = $2
         WHERE code_hash = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL AND expires_at > $2
         RETURNING user_id",
    )
    .bind(code)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let user_id = user_id.ok_or_else(refused)?;
    let active = super::require_active(&mut tx, user_id).await.map_err(|_| refused())?;
    tx.commit().await?;
    Ok(active.id)
}
