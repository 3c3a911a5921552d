//! The category tree for staff: every category (active or not) in tree order with its usage, and
//! changes through the catalog's own store, each with its audit row in the same transaction.

use crate::catalog::{self, Category, CategoryInput};
use crate::error::{DomainError, DomainResult};
use crate::staff::Operator;
use crate::staff::audit::{self, Change};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

/// A category with how much hangs on it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCategory {
    #[sqlx(flatten)]
    pub category: Category,
    pub procurements_count: i64,
    pub children_count: i64,
}

const SELECT: &str = "SELECT c.id, c.name, c.description, c.parent_id, c.icon, c.is_active, c.created_at,
        (SELECT count(*) FROM procurements p WHERE p.category_id = c.id) AS procurements_count,
        (SELECT count(*) FROM categories k WHERE k.parent_id = c.id) AS children_count
    FROM categories c";

/// Every category, each right after its parent (siblings by name): a tree read top to bottom.
pub async fn tree(pool: &PgPool) -> DomainResult<Vec<StaffCategory>> {
    Ok(sqlx::query_as(crate::sql!(
        "WITH RECURSIVE walk AS (
             SELECT id, ARRAY[lower(name), id::text] AS path FROM categories WHERE parent_id IS NULL
             UNION ALL
             SELECT c.id, w.path || lower(c.name) || c.id::text FROM categories c JOIN walk w ON c.parent_id = w.id)
         {SELECT} JOIN walk ON walk.id = c.id ORDER BY walk.path"
    ))
    .fetch_all(pool)
    .await?)
}

pub async fn get(pool: &PgPool, id: i64) -> DomainResult<StaffCategory> {
    one(&mut *pool.acquire().await?, id).await
}

async fn one(conn: &mut PgConnection, id: i64) -> DomainResult<StaffCategory> {
    sqlx::query_as(crate::sql!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("category", id))
}

fn snapshot(c: &Category) -> Value {
    json!({ "id": c.id, "name": c.name, "description": c.description, "parent": c.parent_id,
            "icon": c.icon, "is_active": c.is_active })
}

/// A named parent must exist (400 otherwise, rather than the foreign key's late refusal).
async fn parent_exists(conn: &mut PgConnection, input: &CategoryInput) -> DomainResult<()> {
    if let Some(Some(parent)) = input.parent_id {
        let found: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM categories WHERE id = $1)")
            .bind(parent)
            .fetch_one(&mut *conn)
            .await?;
        if !found {
            return Err(DomainError::invalid("parent", format!("no category {parent}")));
        }
    }
    Ok(())
}

pub async fn create(pool: &PgPool, operator: Operator, input: CategoryInput) -> DomainResult<StaffCategory> {
    let mut tx = pool.begin().await?;
    parent_exists(&mut tx, &input).await?;
    let created = catalog::create(&mut tx, input).await?;
    let change = Change {
        action: "category.create",
        entity: "category",
        entity_id: created.id.to_string(),
        before: None,
        after: Some(snapshot(&created)),
    };
    audit::record(&mut tx, operator, change).await?;
    let out = one(&mut tx, created.id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Changes a category; a parent that does not exist or lies under it is refused (400).
pub async fn update(pool: &PgPool, operator: Operator, id: i64, input: CategoryInput) -> DomainResult<StaffCategory> {
    let mut tx = pool.begin().await?;
    let before = lock(&mut tx, id).await?;
    parent_exists(&mut tx, &input).await?;
    let after = catalog::update(&mut tx, id, input).await?;
    let change = Change {
        action: "category.update",
        entity: "category",
        entity_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(&mut tx, operator, change).await?;
    let out = one(&mut tx, id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Deletes a category no procurement and no other category uses; otherwise 409
/// `category_in_use` and nothing changes.
pub async fn delete(pool: &PgPool, operator: Operator, id: i64) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let before = lock(&mut tx, id).await?;
    let used = one(&mut tx, id).await?;
    if used.procurements_count > 0 || used.children_count > 0 {
        return Err(DomainError::conflict(
            "category_in_use",
            format!(
                "category {id} is in use by {} procurements and {} subcategories",
                used.procurements_count, used.children_count
            ),
        ));
    }
    catalog::delete(&mut tx, id).await?;
    let change = Change {
        action: "category.delete",
        entity: "category",
        entity_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: None,
    };
    audit::record(&mut tx, operator, change).await?;
    tx.commit().await?;
    Ok(())
}

/// The category, locked until the caller commits, so a child or procurement cannot be added
/// under it while it is checked and removed.
async fn lock(conn: &mut PgConnection, id: i64) -> DomainResult<Category> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    found.ok_or_else(|| DomainError::not_found("category", id))?;
    catalog::get(conn, id).await
}
