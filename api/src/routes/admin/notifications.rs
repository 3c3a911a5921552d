//! `notifications/`: everyone's notifications, and notifications to many people at once.

use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult};
use crate::routes::{Tag, valid_page};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::notification::{BulkSent, SendBulkIn};
use crate::wire::admin::page;
use crate::wire::enums::NotificationTypeName;
use crate::wire::notification::NotificationOut;
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use workflows::admin::notifications::{self, NewBulk, NotificationQuery};
use workflows::notify::NotificationType;

pub struct AdminNotificationsApi(pub AppState);

#[derive(ApiResponse)]
enum BulkAccepted {
    /// Queued: a job writes the notifications (once each, however often it runs) and delivers
    /// them. A 200, as the original answered, with the count it goes to.
    #[oai(status = 200)]
    Accepted(Json<BulkSent>),
}

#[OpenApi(tag = "Tag::Admin")]
impl AdminNotificationsApi {
    /// Every notification, newest first unless `ordering` says otherwise (created_at, id).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/admin/notifications", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        user: Query<Option<i64>>,
        notification_type: Query<Option<NotificationTypeName>>,
        is_read: Query<Option<bool>>,
        ordering: Query<Option<String>>,
        #[oai(name = "page")] page_number: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<NotificationOut>>> {
        auth.operator()?;
        let query = NotificationQuery {
            user_id: user.0,
            notification_type: notification_type.0.map(Into::into),
            is_read: is_read.0,
        };
        let page = page(page_number.0, page_size.0)?;
        let found =
            notifications::list(&mut *self.0.pool.acquire().await?, &query, ordering.0.as_deref(), page).await?;
        valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, NotificationOut::from)))
    }

    /// Notify the people in `user_ids` (those that exist), or every active person without it.
    /// Answers at once with how many it goes to; a durable job writes and delivers the rows.
    #[oai(path = "/admin/notifications/send_bulk", method = "post")]
    async fn send_bulk(&self, auth: StaffAuth, body: Json<SendBulkIn>) -> ApiResult<BulkAccepted> {
        let operator = auth.operator()?;
        let SendBulkIn { user_ids, notification_type, title, message } = body.0;
        let required = |field: &str, value: Option<String>| {
            value.ok_or_else(|| ApiError::bad_request(format!("{field}: is required"), "validation_error"))
        };
        let new = NewBulk {
            user_ids,
            notification_type: notification_type.map_or(NotificationType::System, Into::into),
            title: required("title", title)?,
            message: required("message", message)?,
        };
        let queued = notifications::send_bulk(&self.0.pool, operator, new).await?;
        Ok(BulkAccepted::Accepted(Json(BulkSent { sent: queued.sent, job: queued.task_id })))
    }
}
