//! The chat of each procurement over REST, with the original paths. Posting goes through the
//! same use case as the socket, so a message posted here reaches every socket of the room.

use super::{Created, Deleted, Tag};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::chat::{
    AttachmentOut, Done, MarkRead, MessageEdit, MessageIn, MessageOut, RoomUnreadOut, UnreadOut, UploadForm,
};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::chat::{self, MessageType, NewMessage};
use workflows::page::PageRequest;

pub struct ChatApi(pub AppState);

#[OpenApi(tag = "Tag::Chat")]
impl ChatApi {
    /// A procurement's messages, oldest first, deleted ones left out: for its organizer, its
    /// participants and service clients.
    #[oai(path = "/chat/messages", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Auth,
        procurement_id: Query<Option<i64>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<MessageOut>>> {
        let actor = auth.caller().actor()?;
        let procurement_id = procurement_id.0.ok_or_else(required_procurement)?;
        let page = chat::list(&self.0.pool, actor, procurement_id, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, MessageOut::from)))
    }

    /// Posts a message (the author must be the organizer or a participant); every socket of the
    /// room receives it.
    #[oai(path = "/chat/messages", method = "post")]
    async fn post(&self, auth: Auth, body: Json<MessageIn>) -> ApiResult<Created<MessageOut>> {
        let (actor, user_id) = auth.caller().person(body.user_id)?;
        let body = body.0;
        let new = NewMessage {
            procurement_id: body.procurement_id,
            user_id,
            text: body.text,
            message_type: body.message_type.map_or(MessageType::Text, Into::into),
            attachment_url: body.attachment_url.unwrap_or_default(),
        };
        let message = chat::post_message(&self.0.pool, &self.0.chat.feed, actor, new).await?;
        Ok(Created::Created(Json(message.into())))
    }

    /// Changes a message's text: its author only. Sets `is_edited`.
    #[oai(path = "/chat/messages/:id", method = "patch")]
    async fn edit(&self, auth: Auth, id: Path<i64>, body: Json<MessageEdit>) -> ApiResult<Json<MessageOut>> {
        let actor = auth.caller().actor()?;
        Ok(Json(chat::edit_message(&self.0.pool, &self.0.chat.feed, actor, id.0, &body.text).await?.into()))
    }

    /// Deletes a message (softly): its author, the procurement's organizer or staff.
    #[oai(path = "/chat/messages/:id", method = "delete")]
    async fn delete(&self, auth: Auth, id: Path<i64>) -> ApiResult<Deleted> {
        let actor = auth.caller().actor()?;
        chat::delete_message(&self.0.pool, &self.0.chat.feed, actor, id.0).await?;
        Ok(Deleted::NoContent)
    }

    /// Marks a chat read up to a message (the latest when none is named). Marks only move
    /// forward.
    #[oai(path = "/chat/messages/mark_read", method = "post")]
    async fn mark_read(&self, auth: Auth, body: Json<MarkRead>) -> ApiResult<Json<Done>> {
        let (actor, user_id) = auth.caller().person(body.user_id)?;
        chat::mark_read(&self.0.pool, actor, user_id, body.procurement_id, body.message_id).await?;
        Ok(Json(Done { message: "Marked as read".into() }))
    }

    /// Uploads a file for a message (organizer, participants, service keys): PNG, JPEG, GIF,
    /// WebP or PDF, recognised by its content, up to 5 MiB. Served back at the returned URL.
    #[oai(path = "/chat/upload", method = "post")]
    async fn upload(&self, auth: Auth, form: UploadForm) -> ApiResult<Created<AttachmentOut>> {
        let actor = auth.caller().actor()?;
        let dir = self.0.media_dir.clone().ok_or_else(|| {
            ApiError::Unavailable(poem_openapi::payload::Json(crate::error::ErrorBody {
                error: "uploads are not configured here".into(),
                code: "media_not_configured".into(),
            }))
        })?;
        let bytes = form.file.into_vec().await.map_err(|e| ApiError::bad_request(e.to_string(), "bad_request"))?;
        let stored =
            chat::attach(&self.0.pool, &crate::media::MediaFolder(dir), actor, form.procurement_id, &bytes).await?;
        Ok(Created::Created(Json(AttachmentOut {
            attachment_url: stored.attachment_url,
            message_type: stored.message_type.into(),
            content_type: stored.content_type.into(),
            size: stored.size as u64,
        })))
    }

    /// Other people's unread messages: in one chat, or in all of the person's chats when
    /// `procurement_id` is omitted.
    #[oai(path = "/chat/messages/unread_count", method = "get")]
    async fn unread_count(
        &self,
        auth: Auth,
        user_id: Query<Option<i64>>,
        procurement_id: Query<Option<i64>>,
    ) -> ApiResult<Json<UnreadOut>> {
        let (actor, user_id) = auth.caller().person(user_id.0)?;
        let chats = match procurement_id.0 {
            Some(id) => vec![chat::unread_count(&self.0.pool, actor, user_id, id).await?],
            None => chat::unread_counts(&self.0.pool, actor, user_id).await?,
        };
        Ok(Json(UnreadOut {
            procurement_id: procurement_id.0,
            unread_count: chats.iter().map(|c| c.unread_count).sum(),
            chats: chats.into_iter().filter(|c| c.unread_count > 0).map(RoomUnreadOut::from).collect(),
        }))
    }
}

fn required_procurement() -> ApiError {
    ApiError::bad_request("procurement_id is required", "validation_error")
}
