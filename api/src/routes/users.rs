use super::{Created, Tag};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::enums::{PlatformName, RoleName};
use crate::wire::user::*;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::ledger;
use workflows::page::PageRequest;
use workflows::users::{self, NewUser, Role, UserFilter, UserPatch};

pub struct UsersApi(pub AppState);

#[OpenApi(tag = "Tag::Users")]
impl UsersApi {
    /// List users (service key): filter by role, platform or a search over names and contacts.
    #[oai(path = "/users", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Authenticated,
        role: Query<Option<RoleName>>,
        platform: Query<Option<PlatformName>>,
        search: Query<Option<String>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<UserOut>>> {
        auth.caller().require_service()?;
        let filter =
            UserFilter { role: role.0.map(Into::into), platform: platform.0.map(Into::into), search: search.0 };
        let page = users::list(&mut *self.0.pool.acquire().await?, &filter, PageRequest::new(page.0)).await?;
        crate::routes::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, UserOut::from)))
    }

    /// Register a user from a messenger (service key). Answers 409 if that identity exists.
    #[oai(path = "/users", method = "post")]
    async fn register(&self, auth: Authenticated, body: Json<RegisterUser>) -> ApiResult<Created<UserOut>> {
        auth.caller().require_service()?;
        let b = body.0;
        let new = NewUser {
            platform: b.platform.into(),
            platform_user_id: b.platform_user_id,
            username: b.username.into(),
            first_name: b.first_name.into(),
            last_name: b.last_name.into(),
            phone: b.phone.into(),
            email: b.email.into(),
            role: b.role.map(Into::into).unwrap_or(Role::Buyer),
            language_code: b.language_code.into(),
        };
        let user = users::register(&mut *self.0.pool.acquire().await?, new).await?;
        Ok(Created::Created(Json(user.into())))
    }

    /// Find a user by messenger identity (service key).
    #[oai(path = "/users/by_platform", method = "get")]
    async fn by_platform(
        &self,
        auth: Authenticated,
        platform: Query<Option<PlatformName>>,
        platform_user_id: Query<Option<String>>,
    ) -> ApiResult<Json<UserOut>> {
        auth.caller().require_service()?;
        let id = required_platform_user_id(platform_user_id.0)?;
        let platform = platform.0.unwrap_or(PlatformName::Telegram).into();
        let user = users::by_platform(&mut *self.0.pool.acquire().await?, platform, &id).await?;
        Ok(Json(user.into()))
    }

    /// Whether a messenger identity is registered (service key).
    #[oai(path = "/users/check_exists", method = "get")]
    async fn check_exists(
        &self,
        auth: Authenticated,
        platform: Query<Option<PlatformName>>,
        platform_user_id: Query<Option<String>>,
    ) -> ApiResult<Json<Exists>> {
        auth.caller().require_service()?;
        let id = required_platform_user_id(platform_user_id.0)?;
        let platform = platform.0.unwrap_or(PlatformName::Telegram).into();
        let exists = users::exists_on_platform(&mut *self.0.pool.acquire().await?, platform, &id).await?;
        Ok(Json(Exists { exists }))
    }

    /// A user (themselves, or any with a service key).
    #[oai(path = "/users/:id", method = "get")]
    async fn get(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<UserOut>> {
        auth.caller().acting_for(id.0)?;
        Ok(Json(users::get(&mut *self.0.pool.acquire().await?, id.0).await?.into()))
    }

    /// Change a user's profile.
    #[oai(path = "/users/:id", method = "put")]
    async fn put(&self, auth: Authenticated, id: Path<i64>, body: Json<UpdateUser>) -> ApiResult<Json<UserOut>> {
        self.update(auth, id.0, body.0).await
    }

    /// Change some of a user's profile.
    #[oai(path = "/users/:id", method = "patch")]
    async fn patch(&self, auth: Authenticated, id: Path<i64>, body: Json<UpdateUser>) -> ApiResult<Json<UserOut>> {
        self.update(auth, id.0, body.0).await
    }

    /// Link another messenger account to this person (service key).
    #[oai(path = "/users/:id/link_platform", method = "post")]
    async fn link_platform(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<LinkPlatform>,
    ) -> ApiResult<Json<UserOut>> {
        auth.caller().require_service()?;
        let mut conn = self.0.pool.acquire().await?;
        let user = users::link_identity(&mut conn, id.0, body.platform.into(), &body.platform_user_id).await?;
        Ok(Json(user.into()))
    }

    /// Balance with lifetime deposits and spending.
    #[oai(path = "/users/:id/balance", method = "get")]
    async fn balance(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<BalanceOut>> {
        auth.caller().acting_for(id.0)?;
        let mut conn = self.0.pool.acquire().await?;
        users::get(&mut conn, id.0).await?;
        let s = ledger::summary_of(&mut conn, id.0).await?;
        Ok(Json(BalanceOut {
            balance: s.balance.into(),
            total_deposited: s.total_deposited.into(),
            total_spent: s.total_spent.into(),
            available: s.available().into(),
        }))
    }

    /// Adjust a balance by hand (service key): a bonus when positive, a debit when negative.
    #[oai(path = "/users/:id/update_balance", method = "post")]
    async fn update_balance(
        &self,
        auth: Authenticated,
        id: Path<i64>,
        body: Json<BalanceAdjustment>,
    ) -> ApiResult<Json<BalanceAdjusted>> {
        auth.caller().require_service()?;
        let amount = body.amount.0;
        let key = match &body.idempotency_key {
            Some(key) => format!("adjust:{}:{key}", id.0),
            None => format!("adjust:{}:{}", id.0, uuid::Uuid::new_v4()),
        };
        let users::Adjusted { old, new } =
            users::adjust_balance(&self.0.pool, id.0, amount, key, &body.description).await?;
        Ok(Json(BalanceAdjusted { old_balance: old.into(), new_balance: new.into(), amount: amount.into() }))
    }

    /// A user's role.
    #[oai(path = "/users/:id/role", method = "get")]
    async fn role(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<RoleOut>> {
        auth.caller().acting_for(id.0)?;
        let user = users::get(&mut *self.0.pool.acquire().await?, id.0).await?;
        Ok(Json(RoleOut { role: user.role.into(), role_display: user.role.display().into() }))
    }
}

impl UsersApi {
    async fn update(&self, auth: Authenticated, id: i64, b: UpdateUser) -> ApiResult<Json<UserOut>> {
        auth.caller().acting_for(id)?;
        let patch = UserPatch {
            username: b.username,
            first_name: b.first_name,
            last_name: b.last_name,
            phone: b.phone,
            email: b.email,
            role: b.role.map(Into::into),
            language_code: b.language_code,
            inn: b.inn,
            messenger_notifications: b.messenger_notifications,
        };
        Ok(Json(users::update(&mut *self.0.pool.acquire().await?, id, patch).await?.into()))
    }
}

fn required_platform_user_id(id: Option<String>) -> ApiResult<String> {
    id.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.chars().count() <= 100)
        .ok_or_else(|| ApiError::bad_request("platform_user_id is required (1 to 100 characters)", "validation_error"))
}
