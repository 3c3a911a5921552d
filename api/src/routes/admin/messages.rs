//! `messages/`: chat messages across every room, and moderation.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::{Tag, valid_page};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::notification::{AdminMessageOut, Toggled};
use crate::wire::admin::page;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::admin::messages::{self, MessageQuery};

pub struct AdminMessagesApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminMessagesApi {
    /// Every message (deleted ones too unless `is_deleted` says), newest first unless `ordering`
    /// says otherwise (created_at, id); `search` looks in the text.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/admin/messages", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        procurement: Query<Option<i64>>,
        user: Query<Option<i64>>,
        is_deleted: Query<Option<bool>>,
        #[oai(validator(max_length = 200))] search: Query<Option<String>>,
        ordering: Query<Option<String>>,
        #[oai(name = "page")] page_number: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<AdminMessageOut>>> {
        auth.operator()?;
        let query =
            MessageQuery { procurement_id: procurement.0, user_id: user.0, is_deleted: is_deleted.0, search: search.0 };
        let page = page(page_number.0, page_size.0)?;
        let found = messages::list(&mut *self.0.pool.acquire().await?, &query, ordering.0.as_deref(), page).await?;
        valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, AdminMessageOut::from)))
    }

    /// Delete a message (or restore a deleted one). The room sees a `deleted` frame (an `edited`
    /// one with the restored message), as when its author deletes it.
    #[oai(path = "/admin/messages/:id/toggle_delete", method = "post")]
    async fn toggle_delete(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<Toggled>> {
        let operator = auth.operator()?;
        let is_deleted = messages::toggle_delete(&self.0.pool, &self.0.chat.feed, operator, id.0).await?;
        Ok(Json(Toggled { is_deleted }))
    }
}
