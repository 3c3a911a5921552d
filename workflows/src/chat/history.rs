//! Reading a room: pages for REST, and what a socket sends on connect (the recent messages, or
//! exactly those after the `seq` a reconnecting client names).

use super::access::room_for;
use super::message::Message;
use super::store;
use crate::Actor;
use crate::error::DomainResult;
use crate::page::{Page, PageRequest};
use sqlx::PgPool;

/// Messages a socket gets on connect.
pub const RECENT: i64 = 50;
/// The most a reconnecting client is sent; a longer gap is reloaded from REST.
pub const MAX_CATCH_UP: i64 = 500;

/// The room's messages, oldest first, deleted ones left out.
pub async fn list(pool: &PgPool, actor: Actor, procurement_id: i64, page: PageRequest) -> DomainResult<Page<Message>> {
    let mut conn = pool.acquire().await?;
    room_for(&mut conn, procurement_id, actor).await?;
    store::page(&mut conn, procurement_id, page).await
}

pub struct CatchUp {
    pub messages: Vec<Message>,
    /// The gap could not be filled (too old, or a `since` past the room's end, as after a
    /// database restore): the client must reload from REST; `messages` are the recent ones.
    pub reload: bool,
    /// The room's last sequence number when this was read.
    pub last_seq: i64,
}

/// What a socket sends on connect: the recent messages, or those after `since`.
pub async fn catch_up(pool: &PgPool, procurement_id: i64, since: Option<i64>) -> DomainResult<CatchUp> {
    let mut conn = pool.acquire().await?;
    let last_seq = store::last_seq(&mut conn, procurement_id).await?;
    if let Some(since) = since
        && since <= last_seq
        && last_seq - since <= MAX_CATCH_UP
    {
        let messages = store::after(&mut conn, procurement_id, since, MAX_CATCH_UP).await?;
        return Ok(CatchUp { messages, reload: false, last_seq });
    }
    let messages = store::recent(&mut conn, procurement_id, RECENT).await?;
    Ok(CatchUp { messages, reload: since.is_some(), last_seq })
}

/// Messages after `after_seq` (at most [`MAX_CATCH_UP`]): a socket filling a gap in what the
/// fan-out brought it.
pub async fn since(pool: &PgPool, procurement_id: i64, after_seq: i64) -> DomainResult<Vec<Message>> {
    let mut conn = pool.acquire().await?;
    store::after(&mut conn, procurement_id, after_seq, MAX_CATCH_UP).await
}
