use super::{Created, Deleted, Tag};
use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::wire::category::{CategoryIn, CategoryOut};
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::catalog;

pub struct CategoriesApi(pub AppState);

#[OpenApi(tag = "Tag::Categories")]
impl CategoriesApi {
    /// Active categories by name; `parent` lists one category's children.
    #[oai(path = "/procurements/categories", method = "get")]
    async fn list(&self, parent: Query<Option<i64>>) -> ApiResult<Json<Vec<CategoryOut>>> {
        let list = catalog::list(&mut *self.0.pool.acquire().await?, parent.0).await?;
        Ok(Json(list.into_iter().map(Into::into).collect()))
    }

    /// Create a category (service key).
    #[oai(path = "/procurements/categories", method = "post")]
    async fn create(&self, auth: Authenticated, body: Json<CategoryIn>) -> ApiResult<Created<CategoryOut>> {
        auth.caller().require_service()?;
        let created = catalog::create(&mut *self.0.pool.acquire().await?, body.0.into()).await?;
        Ok(Created::Created(Json(created.into())))
    }

    #[oai(path = "/procurements/categories/:id", method = "get")]
    async fn get(&self, id: Path<i64>) -> ApiResult<Json<CategoryOut>> {
        Ok(Json(catalog::get(&mut *self.0.pool.acquire().await?, id.0).await?.into()))
    }

    /// Change a category (service key).
    #[oai(path = "/procurements/categories/:id", method = "put")]
    async fn put(&self, auth: Authenticated, id: Path<i64>, body: Json<CategoryIn>) -> ApiResult<Json<CategoryOut>> {
        self.update(auth, id.0, body.0).await
    }

    /// Change some of a category (service key).
    #[oai(path = "/procurements/categories/:id", method = "patch")]
    async fn patch(&self, auth: Authenticated, id: Path<i64>, body: Json<CategoryIn>) -> ApiResult<Json<CategoryOut>> {
        self.update(auth, id.0, body.0).await
    }

    /// Delete a category and its children (service key); their procurements keep no category.
    #[oai(path = "/procurements/categories/:id", method = "delete")]
    async fn delete(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Deleted> {
        auth.caller().require_service()?;
        catalog::delete(&mut *self.0.pool.acquire().await?, id.0).await?;
        Ok(Deleted::NoContent)
    }
}

impl CategoriesApi {
    async fn update(&self, auth: Authenticated, id: i64, body: CategoryIn) -> ApiResult<Json<CategoryOut>> {
        auth.caller().require_service()?;
        Ok(Json(catalog::update(&mut *self.0.pool.acquire().await?, id, body.into()).await?.into()))
    }
}
