//! Users in PostgreSQL.

use super::model::{NewUser, Platform, Role, User, UserPatch};
use crate::error::{DomainError, DomainResult};
use crate::page::{Page, PageRequest};
use sqlx::{PgConnection, QueryBuilder};

/// The user row with its first identity, all identities and its balance. The identities are
/// read once, through the index on `user_id` (a separate "first identity" subquery ordered by
/// `id` let the planner walk the whole table by primary key on a database without statistics).
pub(crate) const SELECT_USER: &str = "
    SELECT u.id, ids.list->0->>0 AS platform, ids.list->0->>1 AS platform_user_id,
           COALESCE(ids.list, '[]') AS identities,
           u.username, u.first_name, u.last_name, u.phone, u.email, u.role,
           COALESCE(a.balance, 0) AS balance, u.language_code, u.is_active, u.is_verified, u.is_staff,
           u.messenger_notifications,
           u.created_at, u.updated_at
    FROM users u
    LEFT JOIN LATERAL (SELECT json_agg(json_build_array(platform, platform_user_id) ORDER BY id) AS list
                       FROM user_identities WHERE user_id = u.id) ids ON TRUE
    LEFT JOIN ledger_accounts a ON a.kind = 'user_balance' AND a.user_id = u.id";

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<User> {
    sqlx::query_as(crate::sql!("{SELECT_USER} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("user", id))
}

/// The user, refusing deactivated accounts: they may not act.
pub async fn require_active(conn: &mut PgConnection, id: i64) -> DomainResult<User> {
    let user = get(conn, id).await?;
    if !user.is_active {
        return Err(DomainError::forbidden(format!("user {id} is deactivated")));
    }
    Ok(user)
}

/// The cheap check for hot paths: the user exists and is active.
pub async fn ensure_active(conn: &mut PgConnection, id: i64) -> DomainResult<()> {
    let active: Option<bool> =
        sqlx::query_scalar("SELECT is_active FROM users WHERE id = $1").bind(id).fetch_optional(conn).await?;
    check_active(id, active)
}

/// The answer for user `id` whose `is_active` was read as `active` (`None`: no such user).
pub fn check_active(id: i64, active: Option<bool>) -> DomainResult<()> {
    match active {
        None => Err(DomainError::not_found("user", id)),
        Some(false) => Err(DomainError::forbidden(format!("user {id} is deactivated"))),
        Some(true) => Ok(()),
    }
}

pub async fn by_platform(conn: &mut PgConnection, platform: Platform, platform_user_id: &str) -> DomainResult<User> {
    sqlx::query_as(crate::sql!(
        "{SELECT_USER} WHERE u.id = (SELECT user_id FROM user_identities WHERE platform = $1 AND platform_user_id = $2)"
    ))
    .bind(platform)
    .bind(platform_user_id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| DomainError::not_found("user", format!("{platform}:{platform_user_id}")))
}

pub async fn exists_on_platform(
    conn: &mut PgConnection,
    platform: Platform,
    platform_user_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM user_identities WHERE platform = $1 AND platform_user_id = $2)")
        .bind(platform)
        .bind(platform_user_id)
        .fetch_one(conn)
        .await
}

/// Creates the account and its first identity together.
pub async fn register(conn: &mut PgConnection, new: NewUser) -> DomainResult<User> {
    let new = new.validated()?;
    let id: i64 = sqlx::query_scalar(
        "WITH u AS (
            INSERT INTO users (username, first_name, last_name, phone, email, role, language_code)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id)
         INSERT INTO user_identities (user_id, platform, platform_user_id)
         SELECT id, $8, $9 FROM u RETURNING user_id",
    )
    .bind(&new.username)
    .bind(&new.first_name)
    .bind(&new.last_name)
    .bind(&new.phone)
    .bind(&new.email)
    .bind(new.role)
    .bind(&new.language_code)
    .bind(new.platform)
    .bind(&new.platform_user_id)
    .fetch_one(&mut *conn)
    .await?;
    get(conn, id).await
}

/// Links another messenger account to an existing person.
pub async fn link_identity(
    conn: &mut PgConnection,
    user_id: i64,
    platform: Platform,
    platform_user_id: &str,
) -> DomainResult<User> {
    let platform_user_id = platform_user_id.trim();
    if platform_user_id.is_empty() {
        return Err(DomainError::invalid("platform_user_id", "is required"));
    }
    get(conn, user_id).await?;
    sqlx::query("INSERT INTO user_identities (user_id, platform, platform_user_id) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(platform)
        .bind(platform_user_id)
        .execute(&mut *conn)
        .await?;
    get(conn, user_id).await
}

pub async fn update(conn: &mut PgConnection, id: i64, patch: UserPatch) -> DomainResult<User> {
    let patch = patch.validated()?;
    let updated = sqlx::query(
        "UPDATE users SET
            username = COALESCE($2, username), first_name = COALESCE($3, first_name),
            last_name = COALESCE($4, last_name), phone = COALESCE($5, phone), email = COALESCE($6, email),
            role = COALESCE($7, role), language_code = COALESCE($8, language_code),
            inn = COALESCE($9, inn), messenger_notifications = COALESCE($10, messenger_notifications),
            updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(patch.username)
    .bind(patch.first_name)
    .bind(patch.last_name)
    .bind(patch.phone)
    .bind(patch.email)
    .bind(patch.role)
    .bind(patch.language_code)
    .bind(patch.inn)
    .bind(patch.messenger_notifications)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(DomainError::not_found("user", id));
    }
    get(conn, id).await
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub platform: Option<Platform>,
    /// Matches names, username, email, phone and platform ids, case-insensitively.
    pub search: Option<String>,
}

pub async fn list(conn: &mut PgConnection, filter: &UserFilter, page: PageRequest) -> sqlx::Result<Page<User>> {
    let mut q = QueryBuilder::new(format!("SELECT *, count(*) OVER () AS total FROM ({SELECT_USER}) u WHERE TRUE"));
    if let Some(role) = filter.role {
        q.push(" AND u.role = ").push_bind(role);
    }
    if let Some(platform) = filter.platform {
        q.push(" AND EXISTS (SELECT 1 FROM user_identities x WHERE x.user_id = u.id AND x.platform = ")
            .push_bind(platform)
            .push(")");
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = crate::search::contains_pattern(search);
        q.push(" AND (u.first_name ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR u.last_name ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR u.username ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR u.email ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR u.phone ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR EXISTS (SELECT 1 FROM user_identities x WHERE x.user_id = u.id AND x.platform_user_id ILIKE ")
            .push_bind(pattern)
            .push("))");
    }
    q.push(" ORDER BY u.id LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    crate::page::fetch_counted(q, conn, page).await
}

/// `groupbuy createsuperuser`: a staff account that logs in to the admin app with a password.
/// Running it again for the same username resets the password.
pub async fn create_staff(conn: &mut PgConnection, username: &str, password: &str) -> DomainResult<User> {
    let username = username.trim();
    if username.is_empty() || username.len() > 100 {
        return Err(DomainError::invalid("username", "1 to 100 characters"));
    }
    if password.chars().count() < 8 {
        return Err(DomainError::invalid("password", "at least 8 characters"));
    }
    let hash = super::hash_password(password);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, first_name, is_staff, is_superuser, is_verified, password_hash)
         VALUES ($1, $1, TRUE, TRUE, TRUE, $2)
         ON CONFLICT (username) WHERE is_staff
         DO UPDATE SET password_hash = EXCLUDED.password_hash, is_superuser = TRUE, updated_at = now()
         RETURNING id",
    )
    .bind(username)
    .bind(hash)
    .fetch_one(&mut *conn)
    .await?;
    // a reset password ends every session opened with the old one
    crate::staff::session::revoke_all(conn, id, chrono::Utc::now()).await?;
    get(conn, id).await
}

/// Records a person's INN when none is on file yet; whether it was recorded.
pub async fn record_inn(conn: &mut PgConnection, id: i64, inn: &str) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE users SET inn = $2 WHERE id = $1 AND inn = ''").bind(id).bind(inn).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}
