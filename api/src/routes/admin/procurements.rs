//! `/api/admin/procurements/`: every procurement (drafts included) with filters, search and
//! ordering, and the staff writes, status changes going through the state machine.

use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult};
use crate::routes::Tag;
use crate::state::AppState;
use crate::wire::admin::procurement::*;
use crate::wire::enums::ProcurementStatusName;
use crate::wire::participant::ParticipantOut;
use crate::wire::{Paginated, maybe};
use chrono::Utc;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::admin::procurements::{self, BulkAction};
use workflows::page::PageRequest;
use workflows::procurement::{ProcurementFilter, ProcurementPatch};

pub struct AdminProcurementsApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminProcurementsApi {
    /// Procurements, drafts included, newest first unless `ordering` says otherwise.
    #[oai(path = "/admin/procurements", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        status: Query<Option<ProcurementStatusName>>,
        category: Query<Option<i64>>,
        /// Part of the city name, any case.
        #[oai(validator(max_length = 100))]
        city: Query<Option<String>>,
        is_featured: Query<Option<bool>>,
        organizer: Query<Option<i64>>,
        /// Words to find in the title, description or the organizer's name.
        #[oai(validator(max_length = 200))]
        search: Query<Option<String>>,
        /// id, created_at, deadline, current_amount, target_amount, title or participant_count; '-' for
        /// descending (default -created_at).
        ordering: Query<Option<String>>,
        page: Query<Option<i64>>,
        /// Rows per page, 1 to 100 (default 20).
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<AdminProcurementOut>>> {
        auth.operator()?;
        let ordering = procurements::ordering(ordering.0.as_deref())?;
        let filter = ProcurementFilter {
            status: status.0.map(Into::into),
            category_id: category.0,
            city: city.0,
            organizer_id: organizer.0,
            is_featured: is_featured.0,
            staff_search: search.0,
            ordering,
            ..ProcurementFilter::default()
        };
        let page_request = PageRequest::sized(page.0, page_size.0)?;
        let found = procurements::list(&mut *self.0.pool.acquire().await?, &filter, page_request).await?;
        crate::routes::valid_page(&found)?;
        let now = Utc::now();
        Ok(Json(Paginated::new(req, found, |r| AdminProcurementOut::new(r, now))))
    }

    /// One procurement with its current participants and the statuses it may move to.
    #[oai(path = "/admin/procurements/:id", method = "get")]
    async fn get(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<AdminProcurementOut>> {
        auth.operator()?;
        let record = procurements::get(&mut *self.0.pool.acquire().await?, id.0).await?;
        Ok(Json(AdminProcurementOut::new(record, Utc::now())))
    }

    /// Change a procurement's details under the organizer's edit rules. Not its status: a
    /// `status` here is refused (400); use `update_status`.
    #[oai(path = "/admin/procurements/:id", method = "patch")]
    async fn update(
        &self,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminProcurementPatch>,
    ) -> ApiResult<Json<AdminProcurementOut>> {
        let operator = auth.operator()?;
        let b = body.0;
        if b.status.is_some() {
            return Err(ApiError::bad_request(
                "status cannot be changed here: use POST /api/admin/procurements/{id}/update_status/",
                "validation_error",
            ));
        }
        let patch = ProcurementPatch {
            title: b.title,
            description: b.description,
            category_id: maybe(b.category),
            city: b.city,
            deadline: b.deadline,
            payment_deadline: maybe(b.payment_deadline),
            is_featured: b.is_featured,
            ..ProcurementPatch::default()
        };
        let now = Utc::now();
        let record = procurements::update(&self.0.pool, operator, id.0, patch, now).await?;
        Ok(Json(AdminProcurementOut::new(record, now)))
    }

    /// Move a procurement to another status through its state machine, as its organizer would
    /// (refunds, captures and notifications follow); 409 `illegal_transition` for a jump the
    /// machine refuses.
    #[oai(path = "/admin/procurements/:id/update_status", method = "post")]
    async fn update_status(
        &self,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminStatusChange>,
    ) -> ApiResult<Json<StatusChanged>> {
        let operator = auth.operator()?;
        let (old, new) =
            procurements::update_status(&self.0.pool, operator, id.0, body.status.into(), Utc::now()).await?;
        Ok(Json(StatusChanged { old_status: old.into(), new_status: new.into() }))
    }

    /// Feature a procurement, or no longer.
    #[oai(path = "/admin/procurements/:id/toggle_featured", method = "post")]
    async fn toggle_featured(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<FeaturedOut>> {
        let operator = auth.operator()?;
        let is_featured = procurements::toggle_featured(&self.0.pool, operator, id.0).await?;
        Ok(Json(FeaturedOut { is_featured }))
    }

    /// Every participant, those who left included (not paginated).
    #[oai(path = "/admin/procurements/:id/participants", method = "get")]
    async fn participants(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<Vec<ParticipantOut>>> {
        auth.operator()?;
        let list = procurements::participants(&mut *self.0.pool.acquire().await?, id.0).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Feature, unfeature or move many procurements to a status; each one on its own, those
    /// refused (an illegal jump, an unknown id) listed in `failed` and left unchanged.
    #[oai(path = "/admin/procurements/bulk_action", method = "post")]
    async fn bulk_action(
        &self,
        auth: StaffAuth,
        body: Json<ProcurementBulkAction>,
    ) -> ApiResult<Json<ProcurementBulkOutcome>> {
        let operator = auth.operator()?;
        let action: BulkAction = body.action.trim().parse()?;
        let outcome = procurements::bulk_action(&self.0.pool, operator, &body.ids, action, Utc::now()).await?;
        let failed = outcome.failed.into_iter().map(|(id, error)| BulkFailure { id, error }).collect();
        Ok(Json(ProcurementBulkOutcome { affected: outcome.affected, failed }))
    }
}
