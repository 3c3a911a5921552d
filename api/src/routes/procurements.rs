use super::{Created, Tag};
use crate::auth::{Auth, Authenticated, Caller};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::enums::ProcurementStatusName;
use crate::wire::participant::ParticipantOut;
use crate::wire::procurement::*;
use crate::wire::{Paginated, maybe};
use chrono::Utc;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use workflows::page::PageRequest;
use workflows::procurement::{
    self, DraftVisibility, JoinRequest, NewProcurement, Ordering, Procurement, ProcurementFilter, ProcurementPatch,
};
use workflows::{DomainError, participant};

pub struct ProcurementsApi(pub AppState);

#[derive(ApiResponse)]
enum AccessResponse {
    /// The user is the organizer or an active participant.
    #[oai(status = 200)]
    Granted(Json<Access>),
    #[oai(status = 403)]
    Denied(Json<Access>),
}

#[OpenApi(tag = "Tag::Procurements")]
impl ProcurementsApi {
    /// List procurements, 20 per page. Anyone may read; drafts are shown only to their organizer.
    #[oai(path = "/procurements", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        req: &Request,
        auth: Auth,
        status: Query<Option<ProcurementStatusName>>,
        category: Query<Option<i64>>,
        /// Part of the city name, any case.
        city: Query<Option<String>>,
        organizer: Query<Option<i64>>,
        /// The supplier attached to the procurement.
        supplier: Query<Option<i64>>,
        /// Only those staff picked to show first (true) or only the others (false).
        is_featured: Query<Option<bool>>,
        /// Only procurements open for joining now.
        active_only: Query<Option<bool>>,
        /// Words to find in title, description or city.
        search: Query<Option<String>>,
        /// created_at, deadline, target_amount, current_amount, title or participant_count; '-' for descending.
        ordering: Query<Option<String>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<ProcurementListItem>>> {
        let ordering = match ordering.0.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => o.parse::<Ordering>()?,
            None => Ordering::default(),
        };
        if search.0.as_ref().is_some_and(|s| s.chars().count() > 200) {
            return Err(ApiError::bad_request("search: at most 200 characters", "validation_error"));
        }
        let filter = ProcurementFilter {
            status: status.0.map(Into::into),
            category_id: category.0,
            city: city.0,
            organizer_id: organizer.0,
            supplier_id: supplier.0,
            is_featured: is_featured.0,
            active_only: active_only.0.unwrap_or(false),
            search: search.0,
            ordering,
            drafts: drafts_visible_to(auth.caller()),
            ..ProcurementFilter::default()
        };
        let page = procurement::list(&mut *self.0.pool.acquire().await?, &filter, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        let now = Utc::now();
        Ok(Json(Paginated::new(req, page, |p| ProcurementListItem::new(p, now))))
    }

    /// Open a procurement as a draft (the organizer, or a service for them).
    #[oai(path = "/procurements", method = "post")]
    async fn create(
        &self,
        auth: Authenticated,
        body: Json<CreateProcurement>,
    ) -> ApiResult<Created<ProcurementDetail>> {
        let b = body.0;
        let actor = auth.caller().acting_for(b.organizer)?;
        let now = Utc::now();
        let new = NewProcurement {
            title: b.title,
            description: b.description,
            category_id: b.category,
            organizer_id: b.organizer,
            supplier_id: b.supplier,
            city: b.city,
            delivery_address: b.delivery_address.into(),
            target_amount: b.target_amount.0,
            stop_at_amount: b.stop_at_amount.map(|a| a.0),
            unit: b.unit.into(),
            price_per_unit: b.price_per_unit.map(|a| a.0),
            min_quantity: b.min_quantity.map(|q| q.0),
            commission_percent: b.commission_percent.map(|p| p.0),
            deadline: b.deadline,
            payment_deadline: b.payment_deadline,
            image_url: b.image_url.into(),
        };
        let created = procurement::open(&self.0.pool, new, actor, now).await?;
        Ok(Created::Created(Json(ProcurementDetail::new(created, Vec::new(), now))))
    }

    /// A procurement with its current participants.
    #[oai(path = "/procurements/:id", method = "get")]
    async fn get(&self, auth: Auth, id: Path<i64>) -> ApiResult<Json<ProcurementDetail>> {
        let mut conn = self.0.pool.acquire().await?;
        let p = visible(procurement::get(&mut conn, id.0).await?, auth.caller())?;
        let participants = participant::active_of_procurement(&mut conn, p.id).await?;
        Ok(Json(ProcurementDetail::new(p, participants.into_iter().map(Into::into).collect(), Utc::now())))
    }

    /// Change a procurement (its organizer). Price, minimum quantity and commission only while a draft.
    #[oai(path = "/procurements/:id", method = "put")]
    async fn put(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<UpdateProcurement>,
    ) -> ApiResult<Json<ProcurementDetail>> {
        self.update(auth.caller(), id.0, body.0).await
    }

    /// Change some of a procurement (its organizer).
    #[oai(path = "/procurements/:id", method = "patch")]
    async fn patch(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<UpdateProcurement>,
    ) -> ApiResult<Json<ProcurementDetail>> {
        self.update(auth.caller(), id.0, body.0).await
    }

    /// Join: the server computes the amount (quantity × price per unit). A join that reaches the
    /// stop amount stops the procurement; one that would pass it is refused with what is left.
    #[oai(path = "/procurements/:id/join", method = "post")]
    async fn join(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<JoinProcurement>,
    ) -> ApiResult<Created<ParticipantOut>> {
        let actor = auth.caller().acting_for(body.user_id)?;
        let b = body.0;
        let request = JoinRequest {
            user_id: b.user_id,
            quantity: b.quantity.map(|q| q.0),
            amount: b.amount.map(|a| a.0),
            notes: b.notes.into(),
        };
        let joined = procurement::join(&self.0.pool, id.0, request, actor, Utc::now()).await?;
        Ok(Created::Created(Json(joined.into())))
    }

    /// Leave while the procurement is active; the amount is freed and joining again works.
    #[oai(path = "/procurements/:id/leave", method = "post")]
    async fn leave(&self, auth: Authenticated, id: Path<i64>, body: Json<UserRef>) -> ApiResult<Json<Message>> {
        let actor = auth.caller().acting_for(body.user_id)?;
        procurement::leave(&self.0.pool, id.0, body.user_id, actor).await?;
        Ok(Json(Message { message: "Successfully left the procurement".into() }))
    }

    /// The procurement's current participants.
    #[oai(path = "/procurements/:id/participants", method = "get")]
    async fn participants(&self, auth: Auth, id: Path<i64>) -> ApiResult<Json<Vec<ParticipantOut>>> {
        let mut conn = self.0.pool.acquire().await?;
        visible(procurement::get(&mut conn, id.0).await?, auth.caller())?;
        let list = participant::active_of_procurement(&mut conn, id.0).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// What a user organizes and takes part in.
    #[oai(path = "/procurements/user/:user_id", method = "get")]
    async fn user_procurements(&self, auth: Authenticated, user_id: Path<i64>) -> ApiResult<Json<UserProcurementsOut>> {
        auth.caller().acting_for(user_id.0)?;
        let mine = procurement::user_procurements(&mut *self.0.pool.acquire().await?, user_id.0).await?;
        let now = Utc::now();
        Ok(Json(UserProcurementsOut {
            organized: mine.organized.into_iter().map(|p| ProcurementListItem::new(p, now)).collect(),
            participating: mine
                .participating
                .into_iter()
                .map(|(p, amount, quantity)| ParticipatingItem {
                    procurement: ProcurementListItem::new(p, now),
                    my_amount: amount.into(),
                    my_quantity: quantity.into(),
                })
                .collect(),
        }))
    }

    /// Whether a user may enter the procurement's chat: its organizer or an active participant.
    #[oai(path = "/procurements/:id/check_access", method = "post")]
    async fn check_access(&self, auth: Authenticated, id: Path<i64>, body: Json<UserRef>) -> ApiResult<AccessResponse> {
        auth.caller().acting_for(body.user_id)?;
        // A draft exists only for its organizer (nobody else can have joined it).
        let allowed = match workflows::chat::may_enter(&self.0.pool, id.0, body.user_id).await {
            Ok(allowed) => Some(allowed),
            Err(DomainError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        match allowed {
            None => Err(ApiError::not_found(format!("procurement {} not found", id.0))),
            Some(true) => Ok(AccessResponse::Granted(Json(Access { access: true, error: None }))),
            Some(false) => Ok(AccessResponse::Denied(Json(Access {
                access: false,
                error: Some("No access to this procurement".into()),
            }))),
        }
    }

    /// Move the procurement through its lifecycle (its organizer). Illegal moves answer 409.
    #[oai(path = "/procurements/:id/update_status", method = "post")]
    async fn update_status(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<StatusChange>,
    ) -> ApiResult<Json<StatusOut>> {
        let actor = auth.caller().actor()?;
        let p = procurement::change_status(&self.0.pool, id.0, body.status.into(), actor, Utc::now()).await?;
        Ok(Json(StatusOut { status: p.status.into(), status_display: p.status.display().into() }))
    }
}

impl ProcurementsApi {
    async fn update(&self, caller: Caller, id: i64, b: UpdateProcurement) -> ApiResult<Json<ProcurementDetail>> {
        let actor = caller.actor()?;
        let now = Utc::now();
        let patch = ProcurementPatch {
            title: b.title,
            description: b.description,
            category_id: maybe(b.category),
            city: b.city,
            delivery_address: b.delivery_address,
            target_amount: b.target_amount.map(|a| a.0),
            stop_at_amount: maybe(b.stop_at_amount).map(|o| o.map(|a| a.0)),
            unit: b.unit,
            price_per_unit: maybe(b.price_per_unit).map(|o| o.map(|a| a.0)),
            min_quantity: b.min_quantity.map(|q| q.0),
            commission_percent: b.commission_percent.map(|p| p.0),
            deadline: b.deadline,
            payment_deadline: maybe(b.payment_deadline),
            image_url: b.image_url,
            is_featured: b.is_featured,
        };
        let updated = procurement::edit(&self.0.pool, actor, id, patch, now).await?;
        let participants = participant::active_of_procurement(&mut *self.0.pool.acquire().await?, id).await?;
        Ok(Json(ProcurementDetail::new(updated, participants.into_iter().map(Into::into).collect(), now)))
    }
}

fn drafts_visible_to(caller: Caller) -> DraftVisibility {
    match caller {
        Caller::Service | Caller::Staff(_) => DraftVisibility::All,
        Caller::User(id) => DraftVisibility::OwnedBy(id),
        Caller::Anonymous => DraftVisibility::None,
    }
}

/// Drafts are private to their organizer: to anyone else they do not exist.
fn visible(p: Procurement, caller: Caller) -> ApiResult<Procurement> {
    let allowed = match drafts_visible_to(caller) {
        DraftVisibility::All => true,
        DraftVisibility::OwnedBy(id) => p.status != procurement::ProcurementStatus::Draft || p.organizer_id == id,
        DraftVisibility::None => p.status != procurement::ProcurementStatus::Draft,
    };
    if allowed { Ok(p) } else { Err(ApiError::not_found(format!("procurement {} not found", p.id))) }
}
