//! Staff login with a password: the same answer and the same work (one argon2 verification)
//! whether the name exists or not, and a limit on failed attempts per name and per address.

use super::session::{self, Staff};
use crate::error::DomainError;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use std::sync::OnceLock;

/// The window failed attempts are counted in.
pub const ATTEMPT_WINDOW: Duration = Duration::minutes(15);
/// Failures per name in the window before further attempts are refused unchecked.
pub const MAX_FAILURES_PER_NAME: i64 = 5;
/// Failures per address in the window (one address may try several names, a little more).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;

/// A successful login: who, and the secret that now stands for them.
#[derive(Debug)]
pub struct StaffLogin {
    pub staff: Staff,
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginRefused {
    /// Wrong name or password, or not a staff account: deliberately one answer for all.
    #[error("invalid credentials or not an admin user")]
    Invalid,
    /// Too many failures lately for this name or address; the password was not checked.
    #[error("too many failed login attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error(transparent)]
    Failed(#[from] DomainError),
}

impl From<sqlx::Error> for LoginRefused {
    fn from(e: sqlx::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// A hash of nothing anyone knows, verified when the name is unknown so that both answers cost
/// the same argon2 work.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| crate::users::hash_password(&uuid::Uuid::new_v4().to_string()))
}

#[derive(sqlx::FromRow)]
struct Account {
    id: i64,
    username: String,
    email: String,
    is_superuser: bool,
    password_hash: Option<String>,
}

/// Logs a staff member in. Attempts for one name are serialised (an advisory lock), so a burst
/// of parallel guesses cannot slip past the limit.
pub async fn log_in(
    pool: &PgPool,
    username: &str,
    password: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<StaffLogin, LoginRefused> {
    let username: String = username.trim().chars().take(100).collect();
    let address: String = address.chars().take(64).collect();
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('staff_login:' || $1))")
        .bind(&username)
        .execute(&mut *tx)
        .await?;
    let since = now - ATTEMPT_WINDOW;
    let (by_name, by_address, oldest): (i64, i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE username = $1),
                count(*) FILTER (WHERE ip = $2),
                min(at)
         FROM staff_login_attempts
         WHERE NOT succeeded AND at > $3 AND (username = $1 OR ip = $2)",
    )
    .bind(&username)
    .bind(&address)
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    if by_name >= MAX_FAILURES_PER_NAME || by_address >= MAX_FAILURES_PER_ADDRESS {
        let free_at = oldest.unwrap_or(now) + ATTEMPT_WINDOW;
        let retry_after_secs = (free_at - now).num_seconds().max(1) as u64;
        return Err(LoginRefused::TooManyAttempts { retry_after_secs });
    }
    let account = sqlx::query_as::<_, Account>(
        "SELECT id, username, email, is_superuser, password_hash FROM users
         WHERE username = $1 AND is_staff AND is_active",
    )
    .bind(&username)
    .fetch_optional(&mut *tx)
    .await?;
    let phc = account.as_ref().and_then(|a| a.password_hash.as_deref()).unwrap_or(decoy_hash());
    // argon2 is deliberately slow: verify off the async threads
    let (password, phc) = (password.to_string(), phc.to_string());
    let matches =
        tokio::task::spawn_blocking(move || crate::users::verify_password(&password, &phc)).await.unwrap_or(false);
    let account = account.filter(|_| matches);
    sqlx::query("INSERT INTO staff_login_attempts (username, ip, succeeded, at) VALUES ($1, $2, $3, $4)")
        .bind(&username)
        .bind(&address)
        .bind(account.is_some())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let Some(account) = account else {
        tx.commit().await?;
        return Err(LoginRefused::Invalid);
    };
    let token = session::open(&mut tx, account.id, now).await?;
    tx.commit().await?;
    let staff =
        Staff { id: account.id, username: account.username, email: account.email, is_superuser: account.is_superuser };
    Ok(StaffLogin { staff, token })
}
