//! `groupbuy seed --history N`: N past procurements with their joins over time, drawn from the
//! generative model in `analytics/src/history.rs`, written in bulk (arrays unnested, one
//! statement per table) and marked `generated`, so a fresh installation has history to learn from
//! and nobody mistakes it for real trade.

use crate::error::DomainResult;
use analytics::history::{Generated, HistoryModel};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;

/// Procurements written per statement.
const BATCH: usize = 2000;

/// What the seeding wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub procurements: usize,
    pub participants: usize,
    pub completed: usize,
}

/// Generates `n` procurements (the same ones for the same `seed`), all closed by `now`.
pub async fn seed(pool: &PgPool, n: usize, seed: u64, now: DateTime<Utc>) -> DomainResult<Seeded> {
    let model = HistoryModel::STANDARD;
    let history = model.generate(n, seed, now.timestamp() - 3600);
    let mut tx = pool.begin().await?;
    let categories = categories(&mut tx, &model).await?;
    let organizers = users(&mut tx, "history-organizer", "organizer", model.organizers).await?;
    let buyers = users(&mut tx, "history-buyer", "buyer", model.max_orders).await?;
    let mut seeded = Seeded { procurements: 0, participants: 0, completed: 0 };
    for chunk in history.chunks(BATCH) {
        let done = write(&mut tx, chunk, &categories, &organizers, &buyers).await?;
        seeded.procurements += chunk.len();
        seeded.participants += done.0;
        seeded.completed += done.1;
    }
    tx.commit().await?;
    Ok(seeded)
}

async fn categories(conn: &mut PgConnection, model: &HistoryModel) -> sqlx::Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for c in model.categories {
        let parent = category(conn, c.parent, None).await?;
        let id = if c.parent == c.name { parent } else { category(conn, c.name, Some(parent)).await? };
        ids.insert(c.name.to_string(), id);
    }
    Ok(ids)
}

async fn category(conn: &mut PgConnection, name: &str, parent: Option<i64>) -> sqlx::Result<i64> {
    sqlx::query("INSERT INTO categories (name, parent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(name)
        .bind(parent)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("SELECT id FROM categories WHERE name = $1 AND parent_id IS NOT DISTINCT FROM $2")
        .bind(name)
        .bind(parent)
        .fetch_one(conn)
        .await
}

/// `count` generated people named `{prefix}-{k}` (k from 1), created when missing.
async fn users(conn: &mut PgConnection, prefix: &str, role: &str, count: usize) -> sqlx::Result<Vec<i64>> {
    let names: Vec<String> = (1..=count).map(|k| format!("{prefix}-{k}")).collect();
    sqlx::query(
        "INSERT INTO users (username, first_name, role)
         SELECT n, 'Generated', $2 FROM UNNEST($1::text[]) AS n
         WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.username = n)",
    )
    .bind(&names)
    .bind(role)
    .execute(&mut *conn)
    .await?;
    let found: Vec<(String, i64)> =
        sqlx::query_as("SELECT username, min(id) FROM users WHERE username = ANY($1) GROUP BY username")
            .bind(&names)
            .fetch_all(conn)
            .await?;
    let by: HashMap<String, i64> = found.into_iter().collect();
    Ok(names.iter().filter_map(|n| by.get(n).copied()).collect())
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// Writes one batch: procurements, their participants and their event log; (participants, completed).
async fn write(
    conn: &mut PgConnection,
    batch: &[Generated],
    categories: &HashMap<String, i64>,
    organizers: &[i64],
    buyers: &[i64],
) -> sqlx::Result<(usize, usize)> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT nextval('procurements_id_seq') FROM generate_series(1, $1)")
        .bind(batch.len() as i64)
        .fetch_all(&mut *conn)
        .await?;
    let rows: Vec<&analytics::Row> = batch.iter().map(|g| &g.row).collect();
    let ok: Vec<bool> = rows.iter().map(|r| r.succeeded == Some(true)).collect();
    let collected: Vec<f64> = rows.iter().map(|r| (r.final_units * r.price_per_unit * 100.0).round() / 100.0).collect();
    sqlx::query(
        "INSERT INTO procurements (id, title, description, category_id, organizer_id, city, target_amount,
             current_amount, unit, price_per_unit, status, deadline, is_featured, participant_count,
             created_at, updated_at, generated)
         SELECT id, 'История: ' || cat, 'Generated history (groupbuy seed --history)', cat_id, org, city,
                target::numeric(14,2), current::numeric(14,2), unit, price::numeric(14,2),
                CASE WHEN ok THEN 'completed' ELSE 'cancelled' END, deadline, featured, n, opened, deadline, TRUE
         FROM UNNEST($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::float8[], $7::float8[],
                     $8::text[], $9::float8[], $10::bool[], $11::timestamptz[], $12::bool[], $13::int4[],
                     $14::timestamptz[])
              AS t(id, cat, cat_id, org, city, target, current, unit, price, ok, deadline, featured, n, opened)",
    )
    .bind(&ids)
    .bind(rows.iter().map(|r| r.category.clone()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| categories.get(&r.category).copied()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| organizers[(r.organizer_id as usize - 1) % organizers.len()]).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.city.clone()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.target_amount).collect::<Vec<_>>())
    .bind(&collected)
    .bind(rows.iter().map(|r| r.unit.clone()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.price_per_unit).collect::<Vec<_>>())
    .bind(&ok)
    .bind(rows.iter().map(|r| at(r.closes_at)).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.featured).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.final_participants as i32).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| at(r.opened_at)).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await?;
    let participants = participants(conn, batch, &ids, buyers).await?;
    events(conn, batch, &ids).await?;
    Ok((participants, ok.iter().filter(|&&o| o).count()))
}

async fn participants(
    conn: &mut PgConnection,
    batch: &[Generated],
    ids: &[i64],
    buyers: &[i64],
) -> sqlx::Result<usize> {
    let (mut pid, mut uid, mut qty, mut amount, mut status, mut created, mut updated) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (g, &id) in batch.iter().zip(ids) {
        let (closes, ok) = (g.row.closes_at, g.row.succeeded == Some(true));
        for (k, o) in g.orders.iter().enumerate() {
            let left = o.left_at.filter(|&l| l < closes);
            pid.push(id);
            uid.push(buyers[k % buyers.len()]);
            qty.push(f64::from(o.units));
            amount.push(f64::from(o.units) * g.row.price_per_unit);
            // Who left is cancelled then; at a cancelled procurement everyone is, at its close.
            let (s, u) = match (left, ok) {
                (Some(l), _) => ("cancelled", l),
                (None, true) => ("delivered", closes),
                (None, false) => ("cancelled", closes + 60),
            };
            status.push(s);
            created.push(at(o.at));
            updated.push(at(u));
        }
    }
    sqlx::query(
        "INSERT INTO participants (procurement_id, user_id, quantity, amount, status, created_at, updated_at)
         SELECT p, u, q::numeric(10,2), a::numeric(14,2), s, c, m
         FROM UNNEST($1::int8[], $2::int8[], $3::float8[], $4::float8[], $5::text[], $6::timestamptz[], $7::timestamptz[])
              AS t(p, u, q, a, s, c, m)",
    )
    .bind(&pid)
    .bind(&uid)
    .bind(&qty)
    .bind(&amount)
    .bind(&status)
    .bind(&created)
    .bind(&updated)
    .execute(&mut *conn)
    .await?;
    Ok(pid.len())
}

/// The publication and the end of each procurement, as the lifecycle would have logged them.
async fn events(conn: &mut PgConnection, batch: &[Generated], ids: &[i64]) -> sqlx::Result<()> {
    let (mut entity, mut from, mut to, mut event, mut data, mut when) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (g, &id) in batch.iter().zip(ids) {
        entity.push(id);
        from.push("draft");
        to.push("active");
        event.push("publish");
        data.push(serde_json::json!({ "generated": true }));
        when.push(at(g.row.opened_at));
        entity.push(id);
        if g.row.succeeded == Some(true) {
            from.push("payment");
            to.push("completed");
            event.push("complete");
            data.push(serde_json::json!({ "generated": true }));
        } else {
            from.push("active");
            to.push("cancelled");
            event.push("cancel");
            data.push(serde_json::json!({ "generated": true, "reason": "below_target" }));
        }
        when.push(at(g.row.closes_at + 60));
    }
    sqlx::query(
        "INSERT INTO event_log (entity_type, entity_id, from_state, to_state, event, data, created_at)
         SELECT 'procurement', e, f, t, v, d, w
         FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[]) AS x(e, f, t, v, d, w)",
    )
    .bind(&entity)
    .bind(&from)
    .bind(&to)
    .bind(&event)
    .bind(&data)
    .bind(&when)
    .execute(conn)
    .await?;
    Ok(())
}
