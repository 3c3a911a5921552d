//! `transactions/`: every movement on people's balances.

use crate::auth::StaffAuth;
use crate::error::ApiResult;
use crate::routes::{Tag, valid_page};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::admin::money::AdminTransactionOut;
use crate::wire::admin::{page, window};
use crate::wire::enums::TransactionTypeName;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use workflows::admin::transactions::{self, TransactionQuery};

pub struct AdminTransactionsApi(pub AppState);

#[OpenApi(tag = "Tag::Admin")]
impl AdminTransactionsApi {
    /// Every movement on people's balances, newest first unless `ordering` says otherwise
    /// (created_at, amount, id); `date_from`/`date_to` bound `created_at`.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/admin/transactions", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: StaffAuth,
        transaction_type: Query<Option<TransactionTypeName>>,
        user: Query<Option<i64>>,
        procurement: Query<Option<i64>>,
        date_from: Query<Option<String>>,
        date_to: Query<Option<String>>,
        ordering: Query<Option<String>>,
        #[oai(name = "page")] page_number: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<AdminTransactionOut>>> {
        auth.operator()?;
        let query = TransactionQuery {
            transaction_type: transaction_type.0.map(Into::into),
            user_id: user.0,
            procurement_id: procurement.0,
            window: window(date_from.0.as_deref(), date_to.0.as_deref())?,
        };
        let page = page(page_number.0, page_size.0)?;
        let found = transactions::list(&mut *self.0.pool.acquire().await?, &query, ordering.0.as_deref(), page).await?;
        valid_page(&found)?;
        Ok(Json(Paginated::new(req, found, AdminTransactionOut::from)))
    }
}
