use super::Tag;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::enums::ParticipantStatusName;
use crate::wire::participant::{ParticipantOut, ParticipantStatusChange};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::page::PageRequest;
use workflows::participant::{self, ParticipantFilter};
use workflows::{Actor, procurement};

pub struct ParticipantsApi(pub AppState);

#[OpenApi(tag = "Tag::Participants")]
impl ParticipantsApi {
    /// Orders, filtered. A user sees their own orders and those in procurements they organize.
    #[oai(path = "/procurements/participants", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Authenticated,
        procurement: Query<Option<i64>>,
        user: Query<Option<i64>>,
        status: Query<Option<ParticipantStatusName>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<ParticipantOut>>> {
        let actor = auth.caller().actor()?;
        let mut conn = self.0.pool.acquire().await?;
        if let Some(id) = procurement.0
            && procurement::get(&mut conn, id).await?.hidden_from(actor)
        {
            return Err(ApiError::not_found(format!("procurement {id} not found")));
        }
        if let Actor::User(me) = actor {
            let organizes = match procurement.0 {
                Some(id) => procurement::get(&mut conn, id).await?.organizer_id == me,
                None => false,
            };
            if !organizes && user.0 != Some(me) {
                return Err(ApiError::forbidden("filter by user=<your id>, or by a procurement you organize"));
            }
        }
        let filter =
            ParticipantFilter { procurement_id: procurement.0, user_id: user.0, status: status.0.map(Into::into) };
        let page = participant::list(&mut conn, &filter, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, ParticipantOut::from)))
    }

    /// One order: its buyer or the procurement's organizer.
    #[oai(path = "/procurements/participants/:id", method = "get")]
    async fn get(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<ParticipantOut>> {
        let actor = auth.caller().actor()?;
        let mut conn = self.0.pool.acquire().await?;
        let part = participant::get(&mut conn, id.0).await?;
        let organizer = procurement::get(&mut conn, part.procurement_id).await?.organizer_id;
        if !actor.may_act_for(part.user_id) && !actor.may_act_for(organizer) {
            return Err(ApiError::forbidden("only the buyer or the organizer can see this order"));
        }
        Ok(Json(part.into()))
    }

    /// Move an order through its lifecycle. The organizer confirms and delivers; the buyer pays
    /// (from their balance into escrow); either may cancel while the procurement is active, the
    /// organizer later too (a paid share is refunded).
    #[oai(path = "/procurements/participants/:id/update_status", method = "post")]
    async fn update_status(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<ParticipantStatusChange>,
    ) -> ApiResult<Json<ParticipantOut>> {
        let actor = auth.caller().actor()?;
        let part = participant::change_status(&self.0.pool, id.0, body.status.into(), actor).await?;
        Ok(Json(part.into()))
    }
}
