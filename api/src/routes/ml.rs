//! Analytics: model versions with their metrics, training on demand, and predictions for a
//! procurement (its organizer's and staff's), at the original's paths under `/api/ml/`.
//!
//! The model endpoints take [`StaffAuth`] rather than [`Authenticated`]: the same callers (a
//! bearer token, 401 without one), plus the admin app's session cookie, whose writes the
//! middleware has already CSRF-checked, so staff can read and train models from the app.

use super::{Created, Tag};
use crate::auth::{Authenticated, StaffAuth};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::ml::{MlStatusOut, ModelOut, PredictIn, PredictionOut, TrainIn};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::analytics::{ModelType, predict, train, versions};
use workflows::page::PageRequest;

pub struct MlApi(pub AppState);

#[OpenApi(tag = "Tag::Ml")]
impl MlApi {
    /// Every model version, newest first, with its kind, status, training window and metrics
    /// beside its baselines (any authenticated caller).
    #[oai(path = "/ml/models", method = "get")]
    async fn models(
        &self,
        req: &Request,
        auth: StaffAuth,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<ModelOut>>> {
        auth.caller().actor()?;
        let page = versions::list(&self.0.pool, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, ModelOut::from)))
    }

    /// Which versions are served, what is training, and how much history there is.
    #[oai(path = "/ml/models/status", method = "get")]
    async fn status(&self, auth: StaffAuth) -> ApiResult<Json<MlStatusOut>> {
        auth.caller().actor()?;
        Ok(Json(versions::status(&self.0.pool).await?.into()))
    }

    /// One model version.
    #[oai(path = "/ml/models/:id", method = "get")]
    async fn model(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<ModelOut>> {
        auth.caller().actor()?;
        Ok(Json(versions::get(&self.0.pool, id.0).await?.into()))
    }

    /// Train a new version now (staff or a service key): recorded as `training` and trained by a
    /// job; served only if it beats its baselines and the served version on the newest data.
    #[oai(path = "/ml/models/train", method = "post")]
    async fn train(&self, auth: StaffAuth, body: Json<TrainIn>) -> ApiResult<Created<ModelOut>> {
        let operator = auth.caller().require_staff()?;
        let version = train::request(&self.0.pool, operator, body.0.model_type.into()).await?;
        Ok(Created::Created(Json(version.into())))
    }

    /// Recorded predictions, newest first: staff see all, an organizer those of their procurements.
    #[oai(path = "/ml/predictions", method = "get")]
    async fn predictions(
        &self,
        req: &Request,
        auth: Authenticated,
        procurement: Query<Option<i64>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<PredictionOut>>> {
        let actor = auth.caller().actor()?;
        let page = predict::list(&self.0.pool, actor, procurement.0, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, PredictionOut::from)))
    }

    /// Predict for a procurement now (its organizer or staff) and record it: 404 for an unknown
    /// procurement; while no version is served the original formula answers and says so.
    #[oai(path = "/ml/predictions/predict", method = "post")]
    async fn predict(&self, auth: Authenticated, body: Json<PredictIn>) -> ApiResult<Created<PredictionOut>> {
        let actor = auth.caller().actor()?;
        let kind = body.0.prediction_type.map_or(ModelType::SuccessPrediction, ModelType::from);
        let made = predict::predict(&self.0.pool, actor, body.0.procurement_id, kind).await?;
        Ok(Created::Created(Json(made.into())))
    }
}
