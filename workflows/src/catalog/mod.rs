//! Categories of goods: a hierarchy with an emoji icon each.

use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i64>,
    pub icon: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct CategoryInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<Option<i64>>,
    pub icon: Option<String>,
    pub is_active: Option<bool>,
}

impl CategoryInput {
    fn validated(mut self) -> DomainResult<Self> {
        if let Some(name) = &self.name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(DomainError::invalid("name", "1 to 100 characters"));
            }
            self.name = Some(name.to_string());
        }
        if let Some(icon) = &self.icon
            && icon.chars().count() > 50
        {
            return Err(DomainError::invalid("icon", "at most 50 characters"));
        }
        Ok(self)
    }
}

const COLUMNS: &str = "id, name, description, parent_id, icon, is_active, created_at";

/// Active categories, optionally the children of one parent, by name.
pub async fn list(conn: &mut PgConnection, parent_id: Option<i64>) -> sqlx::Result<Vec<Category>> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM categories WHERE is_active AND ($1::bigint IS NULL OR parent_id = $1) ORDER BY name, id"
    ))
    .bind(parent_id)
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<Category> {
    sqlx::query_as(crate::sql!("SELECT {COLUMNS} FROM categories WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("category", id))
}

pub async fn create(conn: &mut PgConnection, input: CategoryInput) -> DomainResult<Category> {
    let input = input.validated()?;
    let name = input.name.ok_or_else(|| DomainError::invalid("name", "is required"))?;
    Ok(sqlx::query_as(crate::sql!(
        "INSERT INTO categories (name, description, parent_id, icon, is_active)
         VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    ))
    .bind(name)
    .bind(input.description.unwrap_or_default())
    .bind(input.parent_id.flatten())
    .bind(input.icon.unwrap_or_default())
    .bind(input.is_active.unwrap_or(true))
    .fetch_one(conn)
    .await?)
}

pub async fn update(conn: &mut PgConnection, id: i64, input: CategoryInput) -> DomainResult<Category> {
    let input = input.validated()?;
    if let Some(Some(parent)) = input.parent_id
        && creates_cycle(conn, id, parent).await?
    {
        return Err(DomainError::invalid("parent", "a category cannot sit under itself"));
    }
    sqlx::query_as(crate::sql!(
        "UPDATE categories SET name = COALESCE($2, name), description = COALESCE($3, description),
             parent_id = CASE WHEN $4 THEN $5 ELSE parent_id END, icon = COALESCE($6, icon),
             is_active = COALESCE($7, is_active)
         WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(input.name)
    .bind(input.description)
    .bind(input.parent_id.is_some())
    .bind(input.parent_id.flatten())
    .bind(input.icon)
    .bind(input.is_active)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| DomainError::not_found("category", id))
}

pub async fn delete(conn: &mut PgConnection, id: i64) -> DomainResult<()> {
    let done = sqlx::query("DELETE FROM categories WHERE id = $1").bind(id).execute(conn).await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::not_found("category", id));
    }
    Ok(())
}

/// Whether `parent` is `id` or one of its descendants.
async fn creates_cycle(conn: &mut PgConnection, id: i64, parent: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "WITH RECURSIVE up AS (
            SELECT id, parent_id FROM categories WHERE id = $2
            UNION SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id)
         SELECT EXISTS (SELECT 1 FROM up WHERE id = $1)",
    )
    .bind(id)
    .bind(parent)
    .fetch_one(conn)
    .await
}
