//! `broadcasts/`: the history of every broadcast, for staff.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::broadcasts::BroadcastOut;
use crate::routes::{Tag, valid_page};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::page;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use workflows::{Actor, broadcast};

pub struct AdminBroadcastsApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminBroadcastsApi {
    /// Every broadcast, newest first, with its status and sent, failed and pending counts.
    #[oai(path = "/admin/broadcasts", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        #[oai(name = "page")] page_number: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<BroadcastOut>>> {
        auth.operator()?;
        let found = broadcast::list(&self.0.pool, Actor::System, page(page_number.0, page_size.0)?).await?;
        valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, BroadcastOut::from)))
    }
}
