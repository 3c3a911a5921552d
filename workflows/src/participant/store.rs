//! Participants in PostgreSQL.

use super::model::Participant;
use super::status::ParticipantStatus;
use crate::error::{DomainError, DomainResult};
use crate::money::{Money, Quantity};
use crate::page::{Page, PageRequest, fetch_counted};
use sqlx::{PgConnection, QueryBuilder};

// The buyer's name by primary key per row: a join would let the planner hash the whole users table
// when it has no statistics yet (a fresh database), for a procurement's dozen participants.
const COLUMNS: &str = "
    pa.id, pa.procurement_id, pa.user_id,
    (SELECT btrim(u.first_name || ' ' || u.last_name) FROM users u WHERE u.id = pa.user_id) AS user_name,
    pa.quantity, pa.amount, pa.status, pa.notes, pa.is_active, pa.created_at, pa.updated_at";
const FROM: &str = "FROM participants pa";

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<Participant> {
    sqlx::query_as(crate::sql!("SELECT {COLUMNS} {FROM} WHERE pa.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("participant", id))
}

/// Reads and locks the participant row for the caller's transaction.
pub async fn lock(conn: &mut PgConnection, id: i64) -> DomainResult<Participant> {
    sqlx::query_as(crate::sql!("SELECT {COLUMNS} {FROM} WHERE pa.id = $1 FOR UPDATE OF pa"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("participant", id))
}

/// The participants with these ids (those that exist), oldest first.
pub async fn many(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as(crate::sql!("SELECT {COLUMNS} {FROM} WHERE pa.id = ANY($1) ORDER BY pa.id"))
        .bind(ids)
        .fetch_all(conn)
        .await
}

/// The procurement's participants who have not left, oldest first.
pub async fn active_of_procurement(conn: &mut PgConnection, procurement_id: i64) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} {FROM} WHERE pa.procurement_id = $1 AND pa.status <> 'cancelled' ORDER BY pa.id"
    ))
    .bind(procurement_id)
    .fetch_all(conn)
    .await
}

/// Every participant of these procurements, those who left included, oldest first.
pub async fn of_procurements(conn: &mut PgConnection, procurement_ids: &[i64]) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as(crate::sql!("SELECT {COLUMNS} {FROM} WHERE pa.procurement_id = ANY($1) ORDER BY pa.id"))
        .bind(procurement_ids)
        .fetch_all(conn)
        .await
}

/// The start of the statement that places an order: `WITH pa AS (INSERT INTO participants …
/// RETURNING *)`. Other modules append what goes with the order as further data-modifying CTEs
/// over `pa` (the totals, the event log), and [`fetch_placed`] ends it: one round trip for all.
pub(crate) fn place_order_query(order: &NewOrder<'_>) -> QueryBuilder<sqlx::Postgres> {
    let mut q = QueryBuilder::new(
        "WITH pa AS (INSERT INTO participants (procurement_id, user_id, quantity, amount, notes) VALUES (",
    );
    q.push_bind(order.procurement_id).push(", ").push_bind(order.user_id).push(", ").push_bind(order.quantity);
    q.push(", ").push_bind(order.amount).push(", ").push_bind(order.notes.to_string()).push(") RETURNING *)");
    q
}

/// Runs a statement begun by [`place_order_query`]: the new order, as read back.
pub(crate) async fn fetch_placed(
    mut q: QueryBuilder<sqlx::Postgres>,
    conn: &mut PgConnection,
) -> DomainResult<Participant> {
    q.push(format_args!(" SELECT {COLUMNS} FROM pa"));
    Ok(q.build_query_as().fetch_one(conn).await?)
}

/// An order about to be placed.
pub(crate) struct NewOrder<'a> {
    pub procurement_id: i64,
    pub user_id: i64,
    pub quantity: Quantity,
    pub amount: Money,
    pub notes: &'a str,
}

/// Moves the row from `from` to `to`; false if someone else moved it first.
pub async fn set_status(
    conn: &mut PgConnection,
    id: i64,
    from: ParticipantStatus,
    to: ParticipantStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE participants SET status = $3, updated_at = now() WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(from)
        .bind(to)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub procurement_id: Option<i64>,
    pub user_id: Option<i64>,
    pub status: Option<ParticipantStatus>,
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &ParticipantFilter,
    page: PageRequest,
) -> sqlx::Result<Page<Participant>> {
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS}, count(*) OVER () AS total {FROM} WHERE TRUE"));
    if let Some(id) = filter.procurement_id {
        q.push(" AND pa.procurement_id = ").push_bind(id);
    }
    if let Some(id) = filter.user_id {
        q.push(" AND pa.user_id = ").push_bind(id);
    }
    if let Some(status) = filter.status {
        q.push(" AND pa.status = ").push_bind(status);
    }
    q.push(" ORDER BY pa.id LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    fetch_counted(q, conn, page).await
}
