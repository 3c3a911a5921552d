//! A person's notifications, with the original paths. User tokens reach their own only.

use super::{Created, Tag};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::notification::{MarkAllRead, MarkedAll, NotificationIn, NotificationOut};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::notify::{self, NewNotification};
use workflows::page::PageRequest;

pub struct NotificationsApi(pub AppState);

#[OpenApi(tag = "Tag::Notifications")]
impl NotificationsApi {
    /// Newest first. A user sees their own; service clients anyone's (all without `user_id`).
    #[oai(path = "/chat/notifications", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Auth,
        user_id: Query<Option<i64>>,
        unread_only: Query<Option<bool>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<NotificationOut>>> {
        let user_id = auth.caller().own_list(user_id.0, "notifications")?;
        let page =
            notify::list(&self.0.pool, user_id, unread_only.0.unwrap_or(false), PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, NotificationOut::from)))
    }

    /// Marks one notification read and returns it.
    #[oai(path = "/chat/notifications/:id/mark_read", method = "post")]
    async fn mark_read(&self, auth: Auth, id: Path<i64>) -> ApiResult<Json<NotificationOut>> {
        let actor = auth.caller().actor()?;
        Ok(Json(notify::mark_read(&self.0.pool, &self.0.chat.feed, actor, id.0).await?.into()))
    }

    /// Marks all of a person's notifications read.
    #[oai(path = "/chat/notifications/mark_all_read", method = "post")]
    async fn mark_all_read(&self, auth: Auth, body: Json<MarkAllRead>) -> ApiResult<Json<MarkedAll>> {
        let (actor, user_id) = auth.caller().person(body.user_id)?;
        let count = notify::mark_all_read(&self.0.pool, &self.0.chat.feed, actor, user_id).await?;
        Ok(Json(MarkedAll { message: format!("Marked {count} notifications as read"), count }))
    }

    /// Sends a notification to a person (service clients and staff); it is delivered live like
    /// every other.
    #[oai(path = "/chat/notifications/send", method = "post")]
    async fn send(&self, auth: Auth, body: Json<NotificationIn>) -> ApiResult<Created<NotificationOut>> {
        let actor = auth.caller().actor()?;
        let body = body.0;
        let new = NewNotification {
            user_id: body.user_id,
            notification_type: body.notification_type.into(),
            title: body.title,
            message: body.message,
            procurement_id: body.procurement_id,
        };
        Ok(Created::Created(Json(notify::send(&self.0.pool, actor, new).await?.into())))
    }
}
