//! `categories/`: the category tree, with create, change and delete (409 while in use).

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::{Created, Deleted, Tag};
use crate::state::AppState;
use crate::wire::admin::category::AdminCategoryOut;
use crate::wire::category::CategoryIn;
use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use workflows::admin::categories;

pub struct AdminCategoriesApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminCategoriesApi {
    /// Every category (inactive ones too), each right after its parent, siblings by name: read
    /// top to bottom it is the tree. Not paginated.
    #[oai(path = "/admin/categories", method = "get")]
    async fn list(&self, auth: StaffAuth) -> ApiResult<Json<Vec<AdminCategoryOut>>> {
        auth.operator()?;
        Ok(Json(categories::tree(&self.0.pool).await?.into_iter().map(Into::into).collect()))
    }

    /// Create a category (`name` required); the parent must exist.
    #[oai(path = "/admin/categories", method = "post")]
    async fn create(&self, auth: StaffAuth, body: Json<CategoryIn>) -> ApiResult<Created<AdminCategoryOut>> {
        let operator = auth.operator()?;
        let created = categories::create(&self.0.pool, operator, body.0.into()).await?;
        Ok(Created::Created(Json(created.into())))
    }

    #[oai(path = "/admin/categories/:id", method = "get")]
    async fn get(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<AdminCategoryOut>> {
        auth.operator()?;
        Ok(Json(categories::get(&self.0.pool, id.0).await?.into()))
    }

    /// Change some of a category; a parent that does not exist or lies under it is a 400.
    #[oai(path = "/admin/categories/:id", method = "patch")]
    async fn patch(&self, auth: StaffAuth, id: Path<i64>, body: Json<CategoryIn>) -> ApiResult<Json<AdminCategoryOut>> {
        let operator = auth.operator()?;
        Ok(Json(categories::update(&self.0.pool, operator, id.0, body.0.into()).await?.into()))
    }

    /// Delete a category no procurement and no other category uses (409 `category_in_use`
    /// otherwise, and nothing is deleted).
    #[oai(path = "/admin/categories/:id", method = "delete")]
    async fn delete(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Deleted> {
        let operator = auth.operator()?;
        categories::delete(&self.0.pool, operator, id.0).await?;
        Ok(Deleted::NoContent)
    }
}
