//! A person's `is_active` and `is_verified` flags, which staff set: each change is one statement,
//! so two staff members flipping the same flag at once cannot both read the old value.

use crate::error::{DomainError, DomainResult};
use sqlx::PgConnection;

/// A flag staff set on people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Active,
    Verified,
}

impl Flag {
    pub fn column(self) -> &'static str {
        match self {
            Self::Active => "is_active",
            Self::Verified => "is_verified",
        }
    }
}

/// Flips the flag; its new value (404 for an unknown person).
pub async fn toggle_flag(conn: &mut PgConnection, id: i64, flag: Flag) -> DomainResult<bool> {
    let column = flag.column();
    sqlx::query_scalar(crate::sql!(
        "UPDATE users SET {column} = NOT {column}, updated_at = now() WHERE id = $1 RETURNING {column}"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| DomainError::not_found("user", id))
}

/// Sets the flag on these people; the ids of those it changed (unknown ids and people who already
/// had the value are left out).
pub async fn set_flag(conn: &mut PgConnection, ids: &[i64], flag: Flag, value: bool) -> sqlx::Result<Vec<i64>> {
    let column = flag.column();
    sqlx::query_scalar(crate::sql!(
        "UPDATE users SET {column} = $2, updated_at = now() WHERE id = ANY($1) AND {column} <> $2 RETURNING id"
    ))
    .bind(ids)
    .bind(value)
    .fetch_all(conn)
    .await
}
