//! Broadcasts: an organizer's or staff member's message to Telegram and VK chats, delivered by
//! the workers one target at a time; the history counts what was sent, failed and is pending.

use super::{Created, Tag};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::Paginated;
use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use workflows::broadcast::{self, Broadcast, NewBroadcast, Target};
use workflows::messenger::Platform;
use workflows::page::PageRequest;

pub struct BroadcastsApi(pub AppState);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum MessengerName {
    Telegram,
    Vk,
}

impl From<MessengerName> for Platform {
    fn from(name: MessengerName) -> Self {
        match name {
            MessengerName::Telegram => Platform::Telegram,
            MessengerName::Vk => Platform::Vk,
        }
    }
}

/// A chat (`chat_id`) or every active person of the platform (`all_users: true`, staff only).
#[derive(Debug, Object)]
pub struct TargetIn {
    pub platform: MessengerName,
    /// Telegram: a channel or group where the bot is admin (`-100…` or `@name`); VK: a `peer_id`.
    #[oai(validator(max_length = 100), deserialize_with = "crate::wire::strict")]
    pub chat_id: Option<String>,
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub all_users: Option<bool>,
}

#[derive(Debug, Object)]
pub struct BroadcastIn {
    /// Plain text, up to 4096 characters.
    #[oai(validator(min_length = 1, max_length = 4096), deserialize_with = "crate::wire::strict")]
    pub text: String,
    #[oai(validator(min_items = 1))]
    pub targets: Vec<TargetIn>,
    /// Start sending at once rather than leaving a draft.
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub start: Option<bool>,
    /// Whom it is from (a service key may name an organizer; a user is always themselves).
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub author_id: Option<i64>,
}

/// A broadcast with its targets counted by delivery status.
#[derive(Debug, Object)]
pub struct BroadcastOut {
    pub id: i64,
    #[oai(nullable)]
    pub author_id: Option<i64>,
    pub text: String,
    /// draft, queued, sending, completed or cancelled.
    pub status: String,
    /// Platforms whose every active person is a target.
    pub all_users: Vec<String>,
    pub targets: i64,
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub created_at: DateTime<Utc>,
    #[oai(nullable)]
    pub started_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<Broadcast> for BroadcastOut {
    fn from(b: Broadcast) -> Self {
        Self {
            id: b.id,
            author_id: b.author_id,
            text: b.text,
            status: b.status.to_string(),
            all_users: b.all_users,
            targets: b.targets,
            pending: b.pending,
            sending: b.sending,
            sent: b.sent,
            failed: b.failed,
            created_at: b.created_at,
            started_at: b.started_at,
            finished_at: b.finished_at,
        }
    }
}

fn target(t: TargetIn) -> ApiResult<Target> {
    let platform = t.platform.into();
    match (t.chat_id, t.all_users.unwrap_or(false)) {
        (Some(chat_id), false) => Ok(Target::Chat { platform, chat_id }),
        (None, true) => Ok(Target::AllUsers(platform)),
        _ => Err(ApiError::bad_request(
            "each target needs either a chat_id or \"all_users\": true, not both",
            "validation_error",
        )),
    }
}

#[OpenApi(tag = "Tag::Broadcasts")]
impl BroadcastsApi {
    /// Write a broadcast (organizers and staff; `all_users` targets staff only), and with
    /// `start: true` start sending it.
    #[oai(path = "/broadcasts", method = "post")]
    async fn create(&self, auth: Authenticated, body: Json<BroadcastIn>) -> ApiResult<Created<BroadcastOut>> {
        let actor = auth.caller().actor()?;
        let b = body.0;
        let targets = b.targets.into_iter().map(target).collect::<ApiResult<Vec<_>>>()?;
        let new = NewBroadcast { author_id: b.author_id, text: b.text, targets };
        let created = broadcast::create(&self.0.pool, actor, new, b.start.unwrap_or(false)).await?;
        Ok(Created::Created(Json(created.into())))
    }

    /// The history, newest first, with sent, failed and pending counts: staff see all, an
    /// organizer their own.
    #[oai(path = "/broadcasts", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Authenticated,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<BroadcastOut>>> {
        let actor = auth.caller().actor()?;
        let page = broadcast::list(&self.0.pool, actor, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, BroadcastOut::from)))
    }

    /// One broadcast and how far it got (its author or staff).
    #[oai(path = "/broadcasts/:id", method = "get")]
    async fn get(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<BroadcastOut>> {
        let actor = auth.caller().actor()?;
        Ok(Json(broadcast::get(&self.0.pool, actor, id.0).await?.into()))
    }

    /// Start a draft: one delivery job per target is queued (409 unless a draft).
    #[oai(path = "/broadcasts/:id/start", method = "post")]
    async fn start(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<BroadcastOut>> {
        let actor = auth.caller().actor()?;
        Ok(Json(broadcast::start(&self.0.pool, actor, id.0).await?.into()))
    }

    /// Call a broadcast off: what was sent stays sent, the rest is not sent (409 once finished).
    #[oai(path = "/broadcasts/:id/cancel", method = "post")]
    async fn cancel(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<BroadcastOut>> {
        let actor = auth.caller().actor()?;
        Ok(Json(broadcast::cancel(&self.0.pool, actor, id.0).await?.into()))
    }
}
