//! Featured procurements, which staff pick to show first.

use crate::error::{DomainError, DomainResult};
use sqlx::PgConnection;

/// Sets `is_featured` to `to`, or flips it when `None`, in one statement (the row is locked as it
/// is read, so the old value is the one replaced). The old and new value; 404 for an unknown id.
pub async fn set_featured(conn: &mut PgConnection, id: i64, to: Option<bool>) -> DomainResult<(bool, bool)> {
    sqlx::query_as(
        "WITH old AS (SELECT id, is_featured FROM procurements WHERE id = $1 FOR UPDATE)
         UPDATE procurements p SET is_featured = COALESCE($2, NOT old.is_featured), updated_at = now()
         FROM old WHERE p.id = old.id RETURNING old.is_featured, p.is_featured",
    )
    .bind(id)
    .bind(to)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| DomainError::not_found("procurement", id))
}
