//! Deposits through the sandbox bank over real HTTP: requisites, a transfer with the order code,
//! reconciliation (also two runs at once, and with the bank failing), the balance credited once.

use crate::lifecycle::{balance, dec};
use crate::support::*;
use reqwest::{Method, StatusCode};
use sandbox::Fault;
use serde_json::{Value, json};
use std::time::Duration;
use workflows::payments::reconcile::{Reconciled, reconcile};

pub(crate) fn inn(n: u64) -> String {
    workflows::users::inn::with_check_digits(n)
}

/// Puts `inn` on `user`'s profile: the bank opens a person's account under it.
pub(crate) async fn give_inn(app: &TestApp, user: i64, inn: &str) {
    let path = format!("/api/users/{user}/");
    let (code, body) = send(app.service(Method::PATCH, &path).json(&json!({ "inn": inn }))).await;
    assert_eq!(code, StatusCode::OK, "{body}");
}

/// A buyer with a pending deposit of `amount`; returns (buyer, the deposit as created).
pub(crate) async fn deposit(app: &TestApp, amount: &str) -> (i64, Value) {
    let buyer = app.register("buyer").await;
    let body = json!({ "user_id": buyer, "amount": amount, "inn": inn(7_700_000_000 + buyer as u64) });
    let (code, created) = send(app.as_user(buyer, Method::POST, "/api/payments/").json(&body)).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    (buyer, created)
}

/// The buyer pays by bank transfer with the purpose they were given.
pub(crate) async fn transfer(app: &TestApp, amount: &str, purpose: &str) -> String {
    let (code, body) =
        send(reqwest::Client::new().post(format!("{}/sandbox/incoming", app.sandbox.url())).json(&json!({
            "amount": amount, "purpose": purpose
        })))
        .await;
    assert!(code.is_success(), "{body}");
    body["payment_id"].as_str().map(str::to_string).unwrap_or_else(|| panic!("{body}"))
}

async fn credits(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM ledger_transactions WHERE idempotency_key LIKE 'deposit:bank:%'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub(crate) async fn status_of(app: &TestApp, deposit: i64) -> String {
    let (code, body) = send(app.service(Method::GET, &format!("/api/payments/{deposit}/status/"))).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_deposit_paid_by_transfer_is_credited_once_however_many_reconciliations_run() {
    let app = TestApp::spawn().await;
    let (buyer, created) = deposit(&app, "1500.00").await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "pending");
    assert_eq!(created["payment_type"], "deposit");
    assert_eq!(created["order_id"], format!("GBD-{id}"));
    let purpose = created["requisites"]["purpose"].as_str().unwrap().to_string();
    assert!(purpose.contains(&format!("GBD-{id}")), "{purpose}");
    assert_eq!(created["requisites"]["amount"], "1500.00");
    assert_eq!(created["requisites"]["recipient_account"], sandbox::SandboxConfig::TEST_NOMINAL_ACCOUNT);
    let page = created["confirmation_url"].as_str().unwrap();
    assert!(page.starts_with(&format!("{}/pay?", app.sandbox.url())), "{page}");
    let (code, html) = send(reqwest::Client::new().get(page)).await;
    assert_eq!(code, StatusCode::OK, "the sandbox payment page opens: {html}");

    // Nothing arrived yet: reconciliation finds nothing.
    assert_eq!(reconcile(&app.pool, app.bank.as_ref()).await.unwrap(), Reconciled::default());
    let bank_id = transfer(&app, "1500.00", &purpose).await;
    let stray = transfer(&app, "99.00", "Оплата по договору 12345").await;

    // Two runs at once, then a third: one credit.
    let (a, b) = tokio::join!(reconcile(&app.pool, app.bank.as_ref()), reconcile(&app.pool, app.bank.as_ref()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.identified + b.identified, 1, "{a:?} {b:?}");
    assert_eq!(reconcile(&app.pool, app.bank.as_ref()).await.unwrap().identified, 0);
    assert_eq!(credits(&app).await, 1);
    assert_eq!(balance(&app, buyer).await, dec("1500.00"));
    assert_eq!(status_of(&app, id).await, "succeeded");
    let (_, payment) = send(app.as_user(buyer, Method::GET, &format!("/api/payments/{id}/"))).await;
    assert_eq!(payment["external_id"], bank_id.as_str());

    // The bank agrees: the money sits on the buyer's own virtual account.
    let va: String = sqlx::query_scalar("SELECT virtual_account FROM bank_accounts WHERE user_id = $1")
        .bind(buyer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.bank.get_virtual_account(&va).await.unwrap().cash, "1500.00".parse().unwrap());

    // Money nobody ordered is flagged for staff, not kept.
    let (status, reason): (String, String) =
        sqlx::query_as("SELECT status, reason FROM bank_incoming WHERE payment_id = $1")
            .bind(&stray)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "unmatched");
    assert!(reason.contains("order code"), "{reason}");
    app.drain().await;
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND notification_type = 'payment_received'",
    )
    .bind(buyer)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(told, 1);
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn deposits_refuse_bad_input_and_foreign_users() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let other = app.register("buyer").await;
    let post = |user: i64, body: Value| send(app.as_user(user, Method::POST, "/api/payments/").json(&body));
    assert_error(
        &post(buyer, json!({ "user_id": buyer, "amount": "100.00" })).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    let bad_inn = json!({ "user_id": buyer, "amount": "100.00", "inn": "123456789012" });
    assert_error(&post(buyer, bad_inn).await, StatusCode::BAD_REQUEST, "validation_error");
    let zero = json!({ "user_id": buyer, "amount": "0.00", "inn": inn(1) });
    assert_error(&post(buyer, zero).await, StatusCode::BAD_REQUEST, "validation_error");
    let theirs = json!({ "user_id": other, "amount": "100.00", "inn": inn(2) });
    assert_eq!(post(buyer, theirs).await.0, StatusCode::FORBIDDEN);
    let payments: i64 = sqlx::query_scalar("SELECT count(*) FROM payments").fetch_one(&app.pool).await.unwrap();
    assert_eq!(payments, 0, "refused requests change nothing");

    let ok = json!({ "user_id": buyer, "amount": "100.00", "inn": inn(3) });
    let (code, created) = post(buyer, ok).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let another_inn = json!({ "user_id": buyer, "amount": "100.00", "inn": inn(4) });
    assert_error(&post(buyer, another_inn).await, StatusCode::CONFLICT, "inn_mismatch");
    let again = json!({ "user_id": buyer, "amount": "50.00" });
    assert_eq!(post(buyer, again).await.0, StatusCode::CREATED, "the INN on file serves later deposits");
    let id = created["id"].as_i64().unwrap();
    let (code, _) = send(app.as_user(other, Method::GET, &format!("/api/payments/{id}/status/"))).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "another user's payment is not theirs to see");
    let (code, list) = send(app.as_user(buyer, Method::GET, "/api/payments/")).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(list["count"], 2);
}

/// The bank times out, answers 500, answers a business error, or carries out the
/// identification but loses the answer: each run ends in a clear state and the money is
/// credited exactly once in the end.
#[tokio::test]
async fn bank_failures_during_reconciliation_credit_exactly_once() {
    let app = TestApp::spawn().await;
    let slow = Duration::from_secs(3); // longer than the test client's 2 s timeout
    for (n, fault) in [
        Fault::Timeout { delay: slow },
        Fault::Http500,
        Fault::LostResponse { delay: slow },
        Fault::Error { code: 4411, message: "virtual account not found".into() },
    ]
    .into_iter()
    .enumerate()
    {
        let (buyer, created) = deposit(&app, "200.00").await;
        let id = created["id"].as_i64().unwrap();
        let bank_id = transfer(&app, "200.00", created["requisites"]["purpose"].as_str().unwrap()).await;
        let permanent = matches!(fault, Fault::Error { .. });
        app.sandbox.bank().inject("identification_payment", fault, 1);
        let first = reconcile(&app.pool, app.bank.as_ref()).await;
        assert_eq!(balance(&app, buyer).await, dec("0"), "fault {n}: nothing credited while the bank fails");
        if permanent {
            // Refused for good: flagged for staff, the deposit stays pending, no retries.
            assert_eq!(first.unwrap().unmatched, 1, "fault {n}");
            let status: String = sqlx::query_scalar("SELECT status FROM bank_incoming WHERE payment_id = $1")
                .bind(&bank_id)
                .fetch_one(&app.pool)
                .await
                .unwrap();
            assert_eq!(status, "unmatched");
            assert_eq!(status_of(&app, id).await, "pending");
            continue;
        }
        assert!(first.is_err(), "fault {n}: a retryable failure makes the job come back");
        let second = reconcile(&app.pool, app.bank.as_ref()).await.unwrap();
        assert_eq!(second.identified, 1, "fault {n}: {second:?}");
        assert_eq!(balance(&app, buyer).await, dec("200.00"), "fault {n}");
        assert_eq!(status_of(&app, id).await, "succeeded");
    }
    assert_eq!(credits(&app).await, 3);
    app.assert_ledger_consistent().await;
}

/// Bank details from Tochka's testing guide for payouts.
pub(crate) fn payout_details() -> Value {
    json!({ "account": "40702810238030000904", "bic": "046577964", "name": "ООО \"Петруня\"",
            "inn": "6671217676", "kpp": "667101001" })
}

/// A buyer who deposited `amount` through the bank (credited), in procurement `procurement`
/// with a paid order of three units; returns (buyer, participant).
pub(crate) async fn deposited_and_paid(app: &TestApp, procurement: i64, amount: &str) -> (i64, i64) {
    let (buyer, created) = deposit(app, amount).await;
    transfer(app, amount, created["requisites"]["purpose"].as_str().unwrap()).await;
    assert_eq!(reconcile(&app.pool, app.bank.as_ref()).await.unwrap().identified, 1);
    let (code, joined) = app.join(procurement, buyer, "3").await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    (buyer, joined["id"].as_i64().unwrap())
}

pub(crate) async fn set_order_status(app: &TestApp, participant: i64, statuses: &[&str]) {
    for status in statuses {
        let path = format!("/api/procurements/participants/{participant}/update_status/");
        let (code, body) = send(app.service(Method::POST, &path).json(&json!({ "status": status }))).await;
        assert_eq!(code, StatusCode::OK, "{status}: {body}");
    }
}

pub(crate) async fn doctor_is_clean(app: &TestApp) {
    let findings = workflows::doctor::examine(&app.pool, Some(app.bank.as_ref())).await.unwrap();
    assert!(findings.is_empty(), "doctor: {findings:#?}");
}

pub(crate) async fn withdraw(app: &TestApp, user: i64, amount: &str) -> i64 {
    let body = json!({ "user_id": user, "amount": amount, "recipient": payout_details() });
    let (code, created) = send(app.as_user(user, Method::POST, "/api/payments/withdraw/").json(&body)).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "pending");
    created["id"].as_i64().unwrap()
}

#[tokio::test]
async fn deposit_join_pay_complete_and_pay_the_organizer_out() {
    let app = TestApp::spawn().await;
    let (procurement, organizer) = app.active(json!({})).await;
    give_inn(&app, organizer, &inn(7_800_000_001)).await;
    let (buyer, participant) = deposited_and_paid(&app, procurement, "1000.00").await;
    app.set_status(procurement, "stopped").await;
    app.set_status(procurement, "payment").await;
    set_order_status(&app, participant, &["confirmed", "paid"]).await;
    assert_eq!(balance(&app, buyer).await, dec("700.00"));
    doctor_is_clean(&app).await;

    app.set_status(procurement, "completed").await;
    app.drain().await;
    let earned = balance(&app, organizer).await;
    assert!(earned > dec("0") && earned <= dec("300.00"), "{earned}");
    let transfers: Vec<(String, String)> =
        sqlx::query_as("SELECT key, status FROM bank_operations WHERE kind = 'transfer' ORDER BY key")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(transfers.iter().all(|(_, status)| status == "done"), "{transfers:?}");
    assert!(transfers.iter().any(|(key, _)| key.ends_with(":organizer")), "{transfers:?}");
    doctor_is_clean(&app).await;

    // The organizer takes the money out to a bank account.
    let payout = withdraw(&app, organizer, &earned.to_string()).await;
    assert_eq!(balance(&app, organizer).await, dec("0"), "held at once");
    app.drain().await;
    assert_eq!(status_of(&app, payout).await, "succeeded");
    assert_eq!(balance(&app, organizer).await, dec("0"));
    let (_, again) = send(app.service(Method::GET, &format!("/api/payments/{payout}/"))).await;
    assert!(again["paid_at"].is_string(), "{again}");
    doctor_is_clean(&app).await;
    app.assert_ledger_consistent().await;
}

#[tokio::test]
async fn deposit_pay_cancel_refund_and_a_refused_payout_returns_the_money() {
    let app = TestApp::spawn().await;
    let (procurement, _) = app.active(json!({})).await;
    let (buyer, participant) = deposited_and_paid(&app, procurement, "500.00").await;
    app.set_status(procurement, "stopped").await;
    app.set_status(procurement, "payment").await;
    set_order_status(&app, participant, &["confirmed", "paid"]).await;
    assert_eq!(balance(&app, buyer).await, dec("200.00"));

    app.set_status(procurement, "cancelled").await;
    app.drain().await;
    assert_eq!(balance(&app, buyer).await, dec("500.00"), "refunded to the balance");
    let refunded: String = sqlx::query_scalar(
        "SELECT status FROM payments WHERE participant_id = $1 AND payment_type = 'procurement_payment'",
    )
    .bind(participant)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(refunded, "refunded");
    doctor_is_clean(&app).await;

    // The bank refuses the payout: the hold comes back, the buyer is told.
    app.sandbox.bank().inject("refund_virtual_account", Fault::Error { code: 4415, message: "insufficient".into() }, 1);
    let refused = withdraw(&app, buyer, "500.00").await;
    app.drain().await;
    assert_eq!(status_of(&app, refused).await, "cancelled");
    assert_eq!(balance(&app, buyer).await, dec("500.00"));
    doctor_is_clean(&app).await;

    // A timeout is retried under the same ext_key: paid out once.
    app.sandbox.bank().inject("refund_virtual_account", Fault::LostResponse { delay: Duration::from_secs(3) }, 1);
    let paid = withdraw(&app, buyer, "500.00").await;
    let first = workers::inline::drain(&app.jobs().await).await;
    assert!(first.is_err(), "the lost answer fails the job (to be retried)");
    tokio::time::sleep(Duration::from_secs(2)).await; // the bank's late answer goes nowhere
    app.drain().await;
    // A further delivery of the done operation is a no-op.
    let job = workflows::jobs::Job::BankOperation { key: format!("withdrawal:{paid}") };
    workflows::jobs::run(&app.jobs().await, &job).await.unwrap();
    assert_eq!(status_of(&app, paid).await, "succeeded");
    assert_eq!(balance(&app, buyer).await, dec("0"));
    let va: String = sqlx::query_scalar("SELECT virtual_account FROM bank_accounts WHERE user_id = $1")
        .bind(buyer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.bank.get_virtual_account(&va).await.unwrap().cash, workflows::Money::ZERO, "paid out once");
    doctor_is_clean(&app).await;
    app.assert_ledger_consistent().await;
}

/// A deposit paid by SBP: the bank makes a QR code, the buyer pays it from their banking app,
/// the payment arrives with the bank's own purpose and is matched by the code.
#[tokio::test]
async fn a_deposit_paid_by_sbp_qr_code_is_matched_by_its_code() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let body = json!({ "user_id": buyer, "amount": "250.00", "inn": inn(7_900_000_001), "method": "sbp" });
    let (code, created) = send(app.as_user(buyer, Method::POST, "/api/payments/").json(&body)).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let qr_url = created["sbp"]["url"].as_str().unwrap().to_string();
    assert_eq!(created["confirmation_url"], qr_url.as_str());
    assert!(!created["sbp"]["qrcode_id"].as_str().unwrap().is_empty());
    assert_eq!(created["requisites"]["amount"], "250.00", "a transfer still works too");

    // The buyer's banking app pays the QR code (the sandbox's page for it).
    let (code, page) = send(reqwest::Client::new().post(&qr_url)).await;
    assert_eq!(code, StatusCode::OK, "{page}");
    let done = reconcile(&app.pool, app.bank.as_ref()).await.unwrap();
    assert_eq!(done.identified, 1, "{done:?}");
    assert_eq!(balance(&app, buyer).await, dec("250.00"));
    assert_eq!(status_of(&app, created["id"].as_i64().unwrap()).await, "succeeded");
    doctor_is_clean(&app).await;

    // With the bank unable to make a code, nothing is created and the caller hears why.
    app.sandbox.bank().inject("generate_sbp_qrcode", Fault::Http500, 1);
    let again = json!({ "user_id": buyer, "amount": "10.00", "method": "sbp" });
    let refused = send(app.as_user(buyer, Method::POST, "/api/payments/").json(&again)).await;
    assert_error(&refused, StatusCode::SERVICE_UNAVAILABLE, "bank_unavailable");
    let (_, list) = send(app.as_user(buyer, Method::GET, "/api/payments/")).await;
    assert_eq!(list["count"], 1, "the refused deposit left nothing behind");
}

/// Withdrawals that cannot be paid are refused at once and change nothing: bad bank details,
/// more than the balance, another user's money, or no account at the bank yet.
#[tokio::test]
async fn withdrawals_refuse_bad_input_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (procurement, _) = app.active(json!({})).await;
    let (buyer, _) = deposited_and_paid(&app, procurement, "100.00").await;
    let other = app.register("buyer").await;
    app.fund(other, "50.00").await;
    let post = |user: i64, body: Value| send(app.as_user(user, Method::POST, "/api/payments/withdraw/").json(&body));
    let with = |field: &str, value: &str| {
        let mut recipient = payout_details();
        recipient[field] = json!(value);
        json!({ "user_id": buyer, "amount": "10.00", "recipient": recipient })
    };
    for (field, value) in [("account", "4070281023803000090"), ("bic", "04657796x"), ("inn", "123"), ("name", " ")] {
        assert_error(&post(buyer, with(field, value)).await, StatusCode::BAD_REQUEST, "validation_error");
    }
    let zero = json!({ "user_id": buyer, "amount": "0.00", "recipient": payout_details() });
    assert_error(&post(buyer, zero).await, StatusCode::BAD_REQUEST, "validation_error");
    let too_much = json!({ "user_id": buyer, "amount": "100.01", "recipient": payout_details() });
    assert_error(&post(buyer, too_much).await, StatusCode::CONFLICT, "insufficient_funds");
    let theirs = json!({ "user_id": other, "amount": "10.00", "recipient": payout_details() });
    assert_eq!(post(buyer, theirs).await.0, StatusCode::FORBIDDEN);
    let no_account = json!({ "user_id": other, "amount": "10.00", "recipient": payout_details() });
    assert_error(&post(other, no_account).await, StatusCode::CONFLICT, "no_bank_account");

    let withdrawals: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE payment_type = 'withdrawal'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let operations: i64 =
        sqlx::query_scalar("SELECT count(*) FROM bank_operations").fetch_one(&app.pool).await.unwrap();
    assert_eq!((withdrawals, operations), (0, 0), "refused requests change nothing");
    assert_eq!(balance(&app, buyer).await, dec("100.00"));
    assert_eq!(balance(&app, other).await, dec("50.00"));
    doctor_is_clean(&app).await;
}

/// Hundreds of payments in one run go in several batches, two runs overlapping: each deposit is
/// credited once, the running balances on the ledger are those of one credit after another, and
/// a second payment for a deposit already paid is flagged for staff, not credited.
#[tokio::test]
async fn hundreds_of_payments_are_credited_once_each_in_batches() {
    let app = TestApp::spawn().await;
    let (mut buyers, mut purposes) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (buyer, created) = deposit(&app, "10.00").await;
        purposes.push(created["requisites"]["purpose"].as_str().unwrap().to_string());
        for _ in 1..150 {
            let body = json!({ "user_id": buyer, "amount": "10.00" });
            let (code, created) = send(app.as_user(buyer, Method::POST, "/api/payments/").json(&body)).await;
            assert_eq!(code, StatusCode::CREATED, "{created}");
            purposes.push(created["requisites"]["purpose"].as_str().unwrap().to_string());
        }
        buyers.push(buyer);
    }
    let mut paid = Vec::new();
    for purpose in &purposes {
        paid.push(transfer(&app, "10.00", purpose).await);
    }
    let again = transfer(&app, "10.00", &purposes[0]).await;

    let (a, b) = tokio::join!(reconcile(&app.pool, app.bank.as_ref()), reconcile(&app.pool, app.bank.as_ref()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.identified + b.identified, 450, "{a:?} {b:?}");
    let last = reconcile(&app.pool, app.bank.as_ref()).await.unwrap();
    assert_eq!(last.identified, 0, "{last:?}");
    assert_eq!(credits(&app).await, 450);
    // Of the two payments for the first deposit, whichever came up first is credited.
    let twice: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT payment_id, status, reason FROM bank_incoming WHERE payment_id IN ($1, $2) ORDER BY status",
    )
    .bind(&paid[0])
    .bind(&again)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(twice.len(), 2, "{twice:?}");
    assert_eq!((twice[0].1.as_str(), twice[1].1.as_str()), ("identified", "unmatched"), "{twice:?}");
    assert!(twice[1].2.contains("succeeded"), "{twice:?}");
    let twice = &twice[1].0;
    for buyer in buyers {
        assert_eq!(balance(&app, buyer).await, dec("1500.00"));
        let afters: Vec<rust_decimal::Decimal> = sqlx::query_scalar(
            "SELECT e.balance_after FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
             WHERE a.kind = 'user_balance' AND a.user_id = $1 ORDER BY e.id",
        )
        .bind(buyer)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let expected: Vec<rust_decimal::Decimal> = (1..=150).map(|n| rust_decimal::Decimal::new(n * 1000, 2)).collect();
        assert_eq!(afters, expected, "one credit after another");
    }
    app.assert_ledger_consistent().await;
    // The doctor finds the books and the bank agree, and names the one payment for staff.
    let findings = workflows::doctor::examine(&app.pool, Some(app.bank.as_ref())).await.unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(format!("{findings:?}").contains(twice.as_str()), "{findings:#?}");
}
