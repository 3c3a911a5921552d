//! Past procurements of generated history (`groupbuy seed --history`), written in bulk (arrays
//! unnested in one statement) and marked `generated`.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// One generated past procurement, finished: completed or cancelled below its target.
#[derive(Debug, Clone)]
pub struct GeneratedProcurement {
    pub title: String,
    pub category_id: Option<i64>,
    pub organizer_id: i64,
    pub city: String,
    pub target_amount: f64,
    pub collected: f64,
    pub unit: String,
    pub price_per_unit: f64,
    pub completed: bool,
    pub opened_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub featured: bool,
    pub participants: i32,
}

/// Inserts `rows`; their ids in the same order.
pub async fn insert_generated(conn: &mut PgConnection, rows: &[GeneratedProcurement]) -> sqlx::Result<Vec<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT nextval('procurements_id_seq') FROM generate_series(1, $1)")
        .bind(rows.len() as i64)
        .fetch_all(&mut *conn)
        .await?;
    let col = |f: fn(&GeneratedProcurement) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    sqlx::query(
        "INSERT INTO procurements (id, title, description, category_id, organizer_id, city, target_amount,
             current_amount, unit, price_per_unit, status, deadline, is_featured, participant_count,
             created_at, updated_at, generated)
         SELECT id, title, 'Generated history (groupbuy seed --history)', cat_id, org, city,
                target::numeric(14,2), current::numeric(14,2), unit, price::numeric(14,2),
                CASE WHEN ok THEN 'completed' ELSE 'cancelled' END, deadline, featured, n, opened, deadline, TRUE
         FROM UNNEST($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::float8[], $7::float8[],
                     $8::text[], $9::float8[], $10::bool[], $11::timestamptz[], $12::bool[], $13::int4[],
                     $14::timestamptz[])
              AS t(id, title, cat_id, org, city, target, current, unit, price, ok, deadline, featured, n, opened)",
    )
    .bind(&ids)
    .bind(rows.iter().map(|r| r.title.clone()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.category_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.organizer_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.city.clone()).collect::<Vec<_>>())
    .bind(col(|r| r.target_amount))
    .bind(col(|r| r.collected))
    .bind(rows.iter().map(|r| r.unit.clone()).collect::<Vec<_>>())
    .bind(col(|r| r.price_per_unit))
    .bind(rows.iter().map(|r| r.completed).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.deadline).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.featured).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.participants).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.opened_at).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(ids)
}
