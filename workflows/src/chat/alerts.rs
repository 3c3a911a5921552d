//! `new_message` notifications for the people of a room who are not in it right now: at most
//! one per person per room per batch window, so a busy chat does not become a notification per
//! message. Written in the message's transaction and delivered like every other notification.

use crate::error::DomainResult;
use crate::notify::{self, Notice, NotificationType};
use crate::{participant, procurement};
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
    let room = procurement::get(conn, procurement_id).await?;
    let mut people: Vec<i64> = participant::active_of_procurement(conn, procurement_id)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .chain([room.organizer_id])
        .filter(|person| *person != author && !present.contains(person))
        .collect();
    people.sort_unstable();
    people.dedup();
    let batch = at.timestamp().div_euclid(BATCH_SECONDS);
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
