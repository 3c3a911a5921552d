use super::Tag;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::enums::TransactionTypeName;
use crate::wire::transaction::{TransactionOut, TransactionSummary};
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use workflows::ledger::{self, TransactionFilter};
use workflows::page::PageRequest;
use workflows::users;

pub struct TransactionsApi(pub AppState);

#[OpenApi(tag = "Tag::Transactions")]
impl TransactionsApi {
    /// Movements on balances, newest first. A user sees only their own.
    #[oai(path = "/payments/transactions", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Authenticated,
        user_id: Query<Option<i64>>,
        transaction_type: Query<Option<TransactionTypeName>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<TransactionOut>>> {
        let user_id = auth.caller().own_list(user_id.0, "transactions")?;
        let filter = TransactionFilter { user_id, transaction_type: transaction_type.0.map(Into::into) };
        let page =
            ledger::transactions_of(&mut *self.0.pool.acquire().await?, &filter, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, TransactionOut::from)))
    }

    /// A user's totals by kind of movement.
    #[oai(path = "/payments/transactions/summary", method = "get")]
    async fn summary(&self, auth: Authenticated, user_id: Query<Option<i64>>) -> ApiResult<Json<TransactionSummary>> {
        let user_id = user_id.0.ok_or_else(|| ApiError::bad_request("user_id is required", "validation_error"))?;
        auth.caller().acting_for(user_id)?;
        let mut conn = self.0.pool.acquire().await?;
        users::get(&mut conn, user_id).await?;
        let s = ledger::summary_of(&mut conn, user_id).await?;
        Ok(Json(TransactionSummary {
            user_id,
            current_balance: s.balance.into(),
            total_deposited: s.total_deposited.into(),
            total_withdrawn: s.total_spent.into(),
            total_refunded: s.total_refunded.into(),
            transaction_count: s.transaction_count,
        }))
    }
}
