//! `payments/` and `payments/summary/`: every payment, and totals of those the filters select.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::{Tag, valid_page};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::money::*;
use crate::wire::admin::{page, window};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use workflows::admin::payments::{self, PaymentQuery};

pub struct AdminPaymentsApi(pub AppState);

impl AdminPaymentsApi {
    fn query(
        status: Option<PaymentStatusName>,
        payment_type: Option<PaymentTypeName>,
        user: Option<i64>,
        date_from: Option<String>,
        date_to: Option<String>,
        search: Option<String>,
    ) -> ApiResult<PaymentQuery> {
        Ok(PaymentQuery {
            status: status.map(stored_name),
            payment_type: payment_type.map(stored_name),
            user_id: user,
            window: window(date_from.as_deref(), date_to.as_deref())?,
            search,
        })
    }
}

#[OpenApi(tag = "Tag::Admin")]
impl AdminPaymentsApi {
    /// Every payment, newest first unless `ordering` says otherwise (created_at, paid_at, amount,
    /// status, id; `-` for descending). `search` looks in the bank's id, the description and the
    /// person's first name; `date_from`/`date_to` bound `created_at`.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/admin/payments", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        status: Query<Option<PaymentStatusName>>,
        payment_type: Query<Option<PaymentTypeName>>,
        user: Query<Option<i64>>,
        date_from: Query<Option<String>>,
        date_to: Query<Option<String>>,
        #[oai(validator(max_length = 200))] search: Query<Option<String>>,
        ordering: Query<Option<String>>,
        #[oai(name = "page")] page_number: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<AdminPaymentOut>>> {
        auth.operator()?;
        let query = Self::query(status.0, payment_type.0, user.0, date_from.0, date_to.0, search.0)?;
        let page = page(page_number.0, page_size.0)?;
        let found = payments::list(&mut *self.0.pool.acquire().await?, &query, ordering.0.as_deref(), page).await?;
        valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, AdminPaymentOut::from)))
    }

    /// Count and sum of the payments the same filters select, overall, by status and by type.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/admin/payments/summary", method = "get")]
    async fn summary(
        &self,
        auth: StaffAuth,
        status: Query<Option<PaymentStatusName>>,
        payment_type: Query<Option<PaymentTypeName>>,
        user: Query<Option<i64>>,
        date_from: Query<Option<String>>,
        date_to: Query<Option<String>>,
        #[oai(validator(max_length = 200))] search: Query<Option<String>>,
    ) -> ApiResult<Json<PaymentSummaryOut>> {
        auth.operator()?;
        let query = Self::query(status.0, payment_type.0, user.0, date_from.0, date_to.0, search.0)?;
        Ok(Json(payments::summary(&mut *self.0.pool.acquire().await?, &query).await?.into()))
    }
}
