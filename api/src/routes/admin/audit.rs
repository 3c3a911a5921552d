//! `audit/`: every staff write, newest first. There is nothing to write here: the table
//! refuses changes.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::{Tag, valid_page};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::audit::AuditOut;
use crate::wire::admin::{page, window};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use workflows::admin::audit::{self, AuditQuery};

pub struct AdminAuditApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminAuditApi {
    /// The audit log, newest first. `action` is exact (`category.create`) or a prefix ending in a
    /// dot (`category.`); `date_from`/`date_to` bound `created_at`.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/admin/audit", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        staff: Query<Option<i64>>,
        #[oai(validator(max_length = 100))] action: Query<Option<String>>,
        #[oai(validator(max_length = 50))] entity: Query<Option<String>>,
        #[oai(validator(max_length = 100))] entity_id: Query<Option<String>>,
        date_from: Query<Option<String>>,
        date_to: Query<Option<String>>,
        ordering: Query<Option<String>>,
        #[oai(name = "page")] page_number: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<AuditOut>>> {
        auth.operator()?;
        let query = AuditQuery {
            staff_id: staff.0,
            action: action.0,
            entity: entity.0,
            entity_id: entity_id.0,
            window: window(date_from.0.as_deref(), date_to.0.as_deref())?,
        };
        let page = page(page_number.0, page_size.0)?;
        let found = audit::list(&mut *self.0.pool.acquire().await?, &query, ordering.0.as_deref(), page).await?;
        valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, AuditOut::from)))
    }
}
