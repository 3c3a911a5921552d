//! The rooms of a chat run: fresh procurements with fresh buyers joined to them, set up through
//! the API as real clients would.

use super::super::api::{SetupClient, create_procurement, organizer, register_buyers};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

/// One procurement's chat and the people in it.
pub struct Room {
    pub id: i64,
    pub people: Vec<i64>,
}

/// `rooms` procurements with `clients` buyers spread evenly over them.
pub async fn populate(api: &SetupClient, rooms: usize, clients: usize) -> anyhow::Result<Vec<Room>> {
    let deadline = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let organizer = organizer(api).await?;
    let ids: Vec<i64> = futures_util::stream::iter(0..rooms)
        .map(|i| create_procurement(api, organizer, i, &deadline))
        .buffered(16)
        .try_collect()
        .await?;
    let people = register_buyers(api, clients).await?;
    let mut rooms: Vec<Room> = ids.into_iter().map(|id| Room { id, people: Vec::new() }).collect();
    let count = rooms.len();
    for (i, person) in people.into_iter().enumerate() {
        rooms[i % count].people.push(person);
    }
    let joins: Vec<(i64, i64)> = rooms.iter().flat_map(|r| r.people.iter().map(move |&p| (r.id, p))).collect();
    futures_util::stream::iter(joins)
        .map(|(room, buyer)| async move {
            api.post_ok(&format!("/api/procurements/{room}/join/"), &json!({ "user_id": buyer, "quantity": "1" })).await
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await?;
    Ok(rooms)
}
