//! `new_message` notifications for the people of a room who are not in it right now: at most
//! one per person per room per batch window, so a busy chat does not become a notification per
//! message. Written in the message's transaction and delivered like every other notification.

use crate::error::DomainResult;
use crate::notify::{self, Notice, NotificationType};
use crate::procurement;
use sqlx::PgConnection;

/// A person gets at most one `new_message` notification per room in this many seconds.
const BATCH_SECONDS: i64 = 300;

pub async fn notify_absent(
    conn: &mut PgConnection,
    procurement_id: i64,
    author: i64,
    present: &[i64],
    at: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    let batch = at.timestamp().div_euclid(BATCH_SECONDS);
    // Only the people still to tell in this batch, picked by the database: in a busy room most
    // are connected or already told, and this runs for every message (a room of 1,000 used to
    // load every participant and compare each with every present person, then render a
    // notification per absent person only for the insert to drop it as a duplicate).
    let people: Vec<i64> = sqlx::query_scalar(
        "SELECT person FROM (
             SELECT pa.user_id AS person FROM participants pa
              WHERE pa.procurement_id = $1 AND pa.status <> 'cancelled'
             UNION
             SELECT organizer_id FROM procurements WHERE id = $1
         ) people
         WHERE person <> $2 AND person <> ALL($3)
           AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = $4 || person || ':' || $5)
         ORDER BY person",
    )
    .bind(procurement_id)
    .bind(author)
    .bind(present)
    .bind(format!("new_message:{procurement_id}:"))
    .bind(batch.to_string())
    .fetch_all(&mut *conn)
    .await?;
    if people.is_empty() {
        return Ok(());
    }
    let room = procurement::get(conn, procurement_id).await?;
    let data = serde_json::json!({ "title": room.title });
    let notices: Vec<Notice> = people
        .into_iter()
        .map(|user_id| Notice {
            user_id,
            kind: NotificationType::NewMessage,
            template: "new_message",
            data: data.clone(),
            procurement_id: Some(procurement_id),
            dedupe_key: format!("new_message:{procurement_id}:{user_id}:{batch}"),
        })
        .collect();
    notify::notify_all(conn, &notices).await?;
    Ok(())
}
