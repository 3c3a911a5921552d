//! `groupbuy seed --history N`: N past procurements with their joins over time, drawn from the
//! generative model in `analytics/src/history.rs`, written in bulk by the modules that own each
//! table and marked `generated`, so a fresh installation has history to learn from and nobody
//! mistakes it for real trade. The demo catalogue (`crate::demo`) provides the categories.

use crate::error::DomainResult;
use crate::events::{self, GeneratedTransition};
use crate::participant::{self, GeneratedOrder};
use crate::procurement::{self, GeneratedProcurement};
use analytics::history::{Generated, HistoryModel};
use chrono::{DateTime, Utc};
use serde_json::json;
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
    crate::demo::seed(pool).await?;
    let model = HistoryModel::STANDARD;
    let history = model.generate(n, seed, now.timestamp() - 3600);
    let mut tx = pool.begin().await?;
    let categories: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, min(id) FROM categories GROUP BY name")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let organizers =
        crate::users::ensure_generated(&mut tx, "history-organizer", "organizer", model.organizers).await?;
    let buyers = crate::users::ensure_generated(&mut tx, "history-buyer", "buyer", model.max_orders).await?;
    let mut seeded = Seeded { procurements: 0, participants: 0, completed: 0 };
    for chunk in history.chunks(BATCH) {
        let (orders, completed) = write(&mut tx, chunk, &categories, &organizers, &buyers).await?;
        seeded.procurements += chunk.len();
        seeded.participants += orders;
        seeded.completed += completed;
    }
    tx.commit().await?;
    Ok(seeded)
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// Writes one batch: procurements, their orders and their event log; (orders, completed).
async fn write(
    conn: &mut PgConnection,
    batch: &[Generated],
    categories: &HashMap<String, i64>,
    organizers: &[i64],
    buyers: &[i64],
) -> sqlx::Result<(usize, usize)> {
    let rows: Vec<GeneratedProcurement> = batch
        .iter()
        .map(|g| {
            let r = &g.row;
            GeneratedProcurement {
                title: format!("История: {}", r.category),
                category_id: categories.get(&r.category).copied(),
                organizer_id: organizers[(r.organizer_id as usize - 1) % organizers.len()],
                city: r.city.clone(),
                target_amount: r.target_amount,
                collected: (r.final_units * r.price_per_unit * 100.0).round() / 100.0,
                unit: r.unit.clone(),
                price_per_unit: r.price_per_unit,
                completed: r.succeeded == Some(true),
                opened_at: at(r.opened_at),
                deadline: at(r.closes_at),
                featured: r.featured,
                participants: r.final_participants as i32,
            }
        })
        .collect();
    let ids = procurement::insert_generated(conn, &rows).await?;
    let mut orders = Vec::new();
    let mut transitions = Vec::new();
    for (g, &id) in batch.iter().zip(&ids) {
        let (closes, ok) = (g.row.closes_at, g.row.succeeded == Some(true));
        for (k, o) in g.orders.iter().enumerate() {
            // Who left is cancelled then; at a cancelled procurement everyone is, at its close.
            let (status, updated) = match (o.left_at.filter(|&l| l < closes), ok) {
                (Some(left), _) => ("cancelled", left),
                (None, true) => ("delivered", closes),
                (None, false) => ("cancelled", closes + 60),
            };
            orders.push(GeneratedOrder {
                procurement_id: id,
                user_id: buyers[k % buyers.len()],
                quantity: f64::from(o.units),
                amount: f64::from(o.units) * g.row.price_per_unit,
                status,
                joined_at: at(o.at),
                updated_at: at(updated),
            });
        }
        let transition = |from, to, event, data| GeneratedTransition {
            procurement_id: id,
            from,
            to,
            event,
            data,
            at: at(closes + 60),
        };
        transitions.push(GeneratedTransition {
            at: at(g.row.opened_at),
            ..transition("draft", "active", "publish", json!({ "generated": true }))
        });
        transitions.push(if ok {
            transition("payment", "completed", "complete", json!({ "generated": true }))
        } else {
            transition("active", "cancelled", "cancel", json!({ "generated": true, "reason": "below_target" }))
        });
    }
    participant::insert_generated(conn, &orders).await?;
    events::record_generated(conn, &transitions).await?;
    Ok((orders.len(), rows.iter().filter(|r| r.completed).count()))
}
