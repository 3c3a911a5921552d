//! Orders of generated history (`groupbuy seed --history`), written in bulk.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// One generated order, already in its final state.
#[derive(Debug, Clone)]
pub struct GeneratedOrder {
    pub procurement_id: i64,
    pub user_id: i64,
    pub quantity: f64,
    pub amount: f64,
    /// `delivered` or `cancelled`.
    pub status: &'static str,
    pub joined_at: DateTime<Utc>,
    /// When it left, or reached its final state.
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_generated(conn: &mut PgConnection, orders: &[GeneratedOrder]) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO participants (procurement_id, user_id, quantity, amount, status, created_at, updated_at)
         SELECT p, u, q::numeric(10,2), a::numeric(14,2), s, c, m
         FROM UNNEST($1::int8[], $2::int8[], $3::float8[], $4::float8[], $5::text[], $6::timestamptz[], $7::timestamptz[])
              AS t(p, u, q, a, s, c, m)",
    )
    .bind(orders.iter().map(|o| o.procurement_id).collect::<Vec<_>>())
    .bind(orders.iter().map(|o| o.user_id).collect::<Vec<_>>())
    .bind(orders.iter().map(|o| o.quantity).collect::<Vec<_>>())
    .bind(orders.iter().map(|o| o.amount).collect::<Vec<_>>())
    .bind(orders.iter().map(|o| o.status).collect::<Vec<_>>())
    .bind(orders.iter().map(|o| o.joined_at).collect::<Vec<_>>())
    .bind(orders.iter().map(|o| o.updated_at).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}
