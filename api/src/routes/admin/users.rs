//! `/api/admin/users/`: every account (staff included) with filters, search and ordering, and
//! the staff writes to people, each recorded in the audit log.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::Tag;
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::Affected;
use crate::wire::admin::user::*;
use crate::wire::enums::{PlatformName, RoleName};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::admin::users::{self, UserEdit, UserListFilter};
use workflows::page::PageRequest;

pub struct AdminUsersApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminUsersApi {
    /// Users, newest first unless `ordering` says otherwise.
    #[oai(path = "/admin/users", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        role: Query<Option<RoleName>>,
        platform: Query<Option<PlatformName>>,
        is_active: Query<Option<bool>>,
        is_verified: Query<Option<bool>>,
        /// Part of a first or last name, username, email, phone or messenger id, any case.
        #[oai(validator(max_length = 200))]
        search: Query<Option<String>>,
        /// id, created_at, balance, first_name or total_spent; '-' for descending (default -created_at).
        ordering: Query<Option<String>>,
        page: Query<Option<i64>>,
        /// Rows per page, 1 to 100 (default 20).
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<AdminUserOut>>> {
        auth.operator()?;
        let filter = UserListFilter {
            role: role.0.map(Into::into),
            platform: platform.0.map(Into::into),
            is_active: is_active.0,
            is_verified: is_verified.0,
            search: search.0,
            ordering: ordering.0,
        };
        let page_request = PageRequest::sized(page.0, page_size.0)?;
        let found = users::list(&mut *self.0.pool.acquire().await?, &filter, page_request).await?;
        crate::routes::valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, AdminUserOut::from)))
    }

    /// One user; 404 if there is none.
    #[oai(path = "/admin/users/:id", method = "get")]
    async fn get(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<AdminUserOut>> {
        auth.operator()?;
        Ok(Json(users::get(&mut *self.0.pool.acquire().await?, id.0).await?.into()))
    }

    /// Change a user's profile, role or flags (not the balance: `update_balance`). Deactivating
    /// ends their staff sessions; nobody may deactivate themself or the last active staff account.
    #[oai(path = "/admin/users/:id", method = "patch")]
    async fn update(
        &self,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminUserPatch>,
    ) -> ApiResult<Json<AdminUserOut>> {
        let operator = auth.operator()?;
        let b = body.0;
        let edit = UserEdit {
            first_name: b.first_name,
            last_name: b.last_name,
            phone: b.phone,
            email: b.email,
            role: b.role.map(Into::into),
            is_active: b.is_active,
            is_verified: b.is_verified,
        };
        let user = users::update(&self.0.pool, operator, id.0, edit, chrono::Utc::now()).await?;
        Ok(Json(user.into()))
    }

    /// Activate or deactivate a user (deactivating ends their staff sessions).
    #[oai(path = "/admin/users/:id/toggle_active", method = "post")]
    async fn toggle_active(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<ActiveOut>> {
        let operator = auth.operator()?;
        let is_active = users::toggle_active(&self.0.pool, operator, id.0, chrono::Utc::now()).await?;
        Ok(Json(ActiveOut { is_active }))
    }

    /// Mark a user verified, or no longer.
    #[oai(path = "/admin/users/:id/toggle_verified", method = "post")]
    async fn toggle_verified(&self, auth: StaffAuth, id: Path<i64>) -> ApiResult<Json<VerifiedOut>> {
        let operator = auth.operator()?;
        let is_verified = users::toggle_verified(&self.0.pool, operator, id.0, chrono::Utc::now()).await?;
        Ok(Json(VerifiedOut { is_verified }))
    }

    /// Credit (a `bonus`) or debit (a `withdrawal`) a balance through the ledger; a debit past
    /// the balance is refused with 409 `insufficient_funds` and changes nothing.
    #[oai(path = "/admin/users/:id/update_balance", method = "post")]
    async fn update_balance(
        &self,
        auth: StaffAuth,
        id: Path<i64>,
        body: Json<AdminBalanceAdjustment>,
    ) -> ApiResult<Json<AdminBalanceAdjusted>> {
        let operator = auth.operator()?;
        let amount = body.amount.0;
        let adjusted = users::update_balance(&self.0.pool, operator, id.0, amount, &body.description).await?;
        Ok(Json(AdminBalanceAdjusted {
            old_balance: adjusted.old.into(),
            new_balance: adjusted.new.into(),
            amount: amount.into(),
        }))
    }

    /// Activate, deactivate, verify or unverify many users at once; how many changed.
    #[oai(path = "/admin/users/bulk_action", method = "post")]
    async fn bulk_action(&self, auth: StaffAuth, body: Json<UserBulkAction>) -> ApiResult<Json<Affected>> {
        let operator = auth.operator()?;
        let affected =
            users::bulk_action(&self.0.pool, operator, &body.ids, body.action.into(), chrono::Utc::now()).await?;
        Ok(Json(Affected { affected }))
    }
}
