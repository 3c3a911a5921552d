use super::{Created, Tag};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wire::Paginated;
use crate::wire::payment::*;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use workflows::Actor;
use workflows::bank::BankRequisites;
use workflows::page::PageRequest;
use workflows::payments::{self, NewDeposit, NewWithdrawal, Payment, PaymentFilter};

pub struct PaymentsApi(pub AppState);

impl PaymentsApi {
    /// The payment, if the caller may see it (their own, or anyone's with a service key).
    async fn visible(&self, auth: &Authenticated, id: i64) -> ApiResult<Payment> {
        let payment = payments::get(&mut *self.0.pool.acquire().await?, id).await?;
        match auth.caller().actor()? {
            Actor::User(me) if me != payment.user_id => Err(ApiError::not_found(format!("payment {id} not found"))),
            _ => Ok(payment),
        }
    }
}

#[OpenApi(tag = "Tag::Payments")]
impl PaymentsApi {
    /// Payments, newest first. A user sees only their own.
    #[oai(path = "/payments", method = "get")]
    async fn list(
        &self,
        req: &Request,
        auth: Authenticated,
        user_id: Query<Option<i64>>,
        payment_type: Query<Option<String>>,
        status: Query<Option<String>>,
        page: Query<Option<i64>>,
    ) -> ApiResult<Json<Paginated<PaymentOut>>> {
        let user_id = auth.caller().own_list(user_id.0, "payments")?;
        let filter = PaymentFilter { user_id, payment_type: payment_type.0, status: status.0 };
        let page = payments::list(&mut *self.0.pool.acquire().await?, &filter, PageRequest::new(page.0)).await?;
        super::valid_page(&page)?;
        Ok(Json(Paginated::new(req, page, PaymentOut::from)))
    }

    /// Start a deposit: a `pending` payment and the requisites to pay it by bank transfer (with
    /// the order code in the purpose). It turns `succeeded`, and the balance grows, once the bank
    /// has the money and reconciliation has matched it.
    #[oai(path = "/payments", method = "post")]
    async fn create(&self, auth: Authenticated, body: Json<DepositIn>) -> ApiResult<Created<DepositOut>> {
        let DepositIn { user_id, amount, description, inn, method } = body.0;
        auth.caller().acting_for(user_id)?;
        let new = NewDeposit { user_id, amount: amount.0, description, inn };
        let method = match method {
            DepositMethod::Transfer => payments::DepositMethod::Transfer,
            DepositMethod::Sbp => payments::DepositMethod::Sbp,
        };
        let (deposit, qr) =
            payments::start_deposit(&self.0.pool, &self.0.pay_into, self.0.bank.as_deref(), new, method).await?;
        let sbp = qr.map(|qr| SbpQrOut {
            qrcode_id: qr.id,
            url: qr.url,
            image_media_type: qr.image_media_type,
            image_base64: qr.image_base64,
        });
        let requisites = payments::requisites(&self.0.pay_into, &deposit).into();
        Ok(Created::Created(Json(DepositOut { payment: deposit.into(), requisites, sbp })))
    }

    /// Withdraw: the amount is held at once and paid out to the bank details by a job; if the
    /// bank refuses, it returns to the balance (the person is told either way).
    #[oai(path = "/payments/withdraw", method = "post")]
    async fn withdraw(&self, auth: Authenticated, body: Json<WithdrawalIn>) -> ApiResult<Created<PaymentOut>> {
        let WithdrawalIn { user_id, amount, recipient } = body.0;
        auth.caller().acting_for(user_id)?;
        let recipient = BankRequisites {
            account: recipient.account,
            bank_code: recipient.bic,
            name: recipient.name,
            inn: recipient.inn,
            kpp: recipient.kpp,
        };
        let payment = payments::withdraw(&self.0.pool, NewWithdrawal { user_id, amount: amount.0, recipient }).await?;
        Ok(Created::Created(Json(payment.into())))
    }

    #[oai(path = "/payments/:id", method = "get")]
    async fn get(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<PaymentOut>> {
        Ok(Json(self.visible(&auth, id.0).await?.into()))
    }

    /// Where a payment stands.
    #[oai(path = "/payments/:id/status", method = "get")]
    async fn status(&self, auth: Authenticated, id: Path<i64>) -> ApiResult<Json<PaymentStatusOut>> {
        let p = self.visible(&auth, id.0).await?;
        Ok(Json(PaymentStatusOut {
            id: p.id,
            status_display: status_display(&p.status).into(),
            status: p.status,
            amount: p.amount.into(),
            provider: p.provider,
            paid_at: p.paid_at,
            created_at: p.created_at,
        }))
    }
}
