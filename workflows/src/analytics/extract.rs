//! From our tables to the models' rows: one per finished procurement (completed = success,
//! cancelled at the deadline below its target = failure; cancelled by hand for any other reason
//! left out, as the event log's `below_target` reason tells them apart), with the progress curve
//! rebuilt from the participants' join and leave times.

use analytics::dataset::{self, Join, Progress, Row};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::HashMap;

/// A procurement as the extraction reads it; `opened_at` is its publication (the event log's
/// move to active), or its creation when none is recorded.
const PROCUREMENT: &str = "
    SELECT p.id, p.organizer_id, p.status, p.deadline, p.city, p.unit, p.is_featured,
           p.target_amount::float8 AS target_amount, COALESCE(p.price_per_unit, 0)::float8 AS price_per_unit,
           p.current_amount::float8 AS current_amount, p.participant_count::float8 AS participant_count,
           COALESCE(c.name, 'unknown') AS category, COALESCE(pc.name, c.name, 'unknown') AS parent_category,
           COALESCE((SELECT min(e.created_at) FROM event_log e
                     WHERE e.entity_type = 'procurement' AND e.entity_id = p.id AND e.to_state = 'active'),
                    p.created_at) AS opened_at
    FROM procurements p
    LEFT JOIN categories c ON c.id = p.category_id
    LEFT JOIN categories pc ON pc.id = c.parent_id";

/// The finished procurements that teach: completed, or cancelled for missing the target.
const FINISHED: &str = "(p.status = 'completed' OR (p.status = 'cancelled' AND EXISTS (
        SELECT 1 FROM event_log e WHERE e.entity_type = 'procurement' AND e.entity_id = p.id
          AND e.to_state = 'cancelled' AND e.data->>'reason' = 'below_target')))";

#[derive(sqlx::FromRow)]
struct Procurement {
    id: i64,
    organizer_id: i64,
    status: String,
    deadline: DateTime<Utc>,
    city: String,
    unit: String,
    is_featured: bool,
    target_amount: f64,
    price_per_unit: f64,
    current_amount: f64,
    participant_count: f64,
    category: String,
    parent_category: String,
    opened_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Participation {
    procurement_id: i64,
    created_at: DateTime<Utc>,
    left_at: Option<DateTime<Utc>>,
    amount: f64,
    quantity: f64,
}

/// Every finished procurement as a training row, track records filled.
pub async fn finished(conn: &mut PgConnection) -> sqlx::Result<Vec<Row>> {
    let procurements: Vec<Procurement> =
        sqlx::query_as(crate::sql!("{PROCUREMENT} WHERE {FINISHED} ORDER BY p.id")).fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = procurements.iter().map(|p| p.id).collect();
    let mut joins = participations(conn, &ids).await?;
    let mut rows: Vec<Row> =
        procurements.into_iter().map(|p| row(&p, joins.remove(&p.id).unwrap_or_default(), true)).collect();
    dataset::with_track_records(&mut rows);
    Ok(rows)
}

/// One procurement as the models see it now, and the moment of its window it is at; `None` when
/// there is no such procurement. Also its organizer, who may see its predictions.
pub async fn live(conn: &mut PgConnection, id: i64, now: DateTime<Utc>) -> sqlx::Result<Option<(Row, Progress, i64)>> {
    let Some(p): Option<Procurement> =
        sqlx::query_as(crate::sql!("{PROCUREMENT} WHERE p.id = $1")).bind(id).fetch_optional(&mut *conn).await?
    else {
        return Ok(None);
    };
    let joins = participations(conn, &[id]).await?.remove(&id).unwrap_or_default();
    let mut row = row(&p, joins, false);
    let (finished, succeeded): (i64, i64) = sqlx::query_as(crate::sql!(
        "SELECT count(*), count(*) FILTER (WHERE p.status = 'completed') FROM procurements p
         WHERE p.organizer_id = $1 AND p.id <> $2 AND p.deadline <= $3 AND {FINISHED}"
    ))
    .bind(p.organizer_id)
    .bind(id)
    .bind(p.opened_at)
    .fetch_one(&mut *conn)
    .await?;
    row.organizer_finished = finished as f64;
    row.organizer_succeeded = succeeded as f64;
    let span = (row.closes_at - row.opened_at).max(1) as f64;
    let elapsed = ((now.timestamp() - row.opened_at) as f64 / span).clamp(0.0, 1.0);
    let share = if p.target_amount > 0.0 { p.current_amount / p.target_amount } else { 0.0 };
    Ok(Some((row, Progress { elapsed, share, participants: p.participant_count }, p.organizer_id)))
}

async fn participations(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<HashMap<i64, Vec<Participation>>> {
    // A participant cancelled by the procurement's own cancellation left at the close, not before.
    let rows: Vec<Participation> = sqlx::query_as(
        "SELECT procurement_id, created_at, CASE WHEN status = 'cancelled' THEN updated_at END AS left_at,
                amount::float8 AS amount, quantity::float8 AS quantity
         FROM participants WHERE procurement_id = ANY($1) ORDER BY procurement_id, created_at",
    )
    .bind(ids)
    .fetch_all(conn)
    .await?;
    let mut by: HashMap<i64, Vec<Participation>> = HashMap::new();
    rows.into_iter().for_each(|r| by.entry(r.procurement_id).or_default().push(r));
    Ok(by)
}

fn row(p: &Procurement, joins: Vec<Participation>, finished: bool) -> Row {
    let (opened_at, closes_at) = (p.opened_at.timestamp(), p.deadline.timestamp());
    let js: Vec<Join> = joins
        .iter()
        .map(|j| Join { at: j.created_at.timestamp(), left_at: j.left_at.map(|t| t.timestamp()), amount: j.amount })
        .collect();
    let at_close: Vec<&Participation> =
        joins.iter().filter(|j| j.left_at.is_none_or(|l| l.timestamp() >= closes_at)).collect();
    Row {
        procurement_id: p.id,
        organizer_id: p.organizer_id,
        opened_at,
        closes_at,
        category: p.category.clone(),
        parent_category: p.parent_category.clone(),
        city: p.city.clone(),
        unit: p.unit.clone(),
        target_amount: p.target_amount,
        price_per_unit: p.price_per_unit,
        featured: p.is_featured,
        organizer_finished: 0.0,
        organizer_succeeded: 0.0,
        curve: dataset::curve(opened_at, closes_at, p.target_amount, &js),
        succeeded: finished.then_some(p.status == "completed"),
        final_participants: at_close.len() as f64,
        final_units: at_close.iter().map(|j| j.quantity).sum(),
    }
}

/// How many finished procurements there are to learn from.
pub async fn finished_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar(crate::sql!("SELECT count(*) FROM procurements p WHERE {FINISHED}")).fetch_one(conn).await
}
