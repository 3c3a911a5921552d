//! Tochka's signed webhooks: a valid one records the notification and queues a re-query of the
//! bank once (a replay changes nothing); a forged, unsigned, malformed or algorithm-confused one
//! is refused with 401 and changes nothing.

use crate::support::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Test-only keys (see tests/fixtures/README.md): the one the test server trusts, and another.
const TOCHKA_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tochka-webhook-key.pem");
const TOCHKA_PUBLIC_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tochka-webhook-key.pub.pem");
const OTHER_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sandbox/tests/fixtures/impostor-key.pem");
const PATH: &str = "/api/payments/webhook/tochka/";

fn sign_with(key_path: &str, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(&std::fs::read(key_path).unwrap()).unwrap();
    encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

fn sign(claims: &Value) -> String {
    sign_with(TOCHKA_KEY, claims)
}

fn incoming_payment(payment_id: &str) -> Value {
    json!({
        "webhookType": "incomingPayment",
        "customerCode": "300000092",
        "paymentId": payment_id,
        "purpose": "Пополнение баланса GBD-1",
        "amount": "1500.00",
        "date": "2026-11-25",
        "documentNumber": "17",
        "SidePayer": {
            "bankCode": "044525104", "bankName": "ООО «Банк Точка»", "bankCorrespondentAccount": "30101810745374525104",
            "account": "40817810000000000001", "name": "Иванов Иван Иванович", "amount": "1500.00",
            "currency": "RUB", "inn": "770000000001", "kpp": ""
        },
        "SideRecipient": {
            "bankCode": "044525104", "bankName": "ООО «Банк Точка»", "bankCorrespondentAccount": "30101810745374525104",
            "account": "40702810620000088278", "name": "ООО «ГрупБай»", "amount": "1500.00",
            "currency": "RUB", "inn": "7700000000", "kpp": "770001001"
        }
    })
}

async fn post(app: &TestApp, path: &str, body: impl Into<reqwest::Body>) -> (StatusCode, Value) {
    send(app.anon(Method::POST, path).header("content-type", "text/plain").body(body)).await
}

/// (bank_webhooks rows, outbox rows): what a refused call must leave as it was.
async fn written(app: &TestApp) -> (i64, i64) {
    let hooks = sqlx::query_scalar("SELECT count(*) FROM bank_webhooks").fetch_one(&app.pool).await.unwrap();
    let outbox = sqlx::query_scalar("SELECT count(*) FROM outbox").fetch_one(&app.pool).await.unwrap();
    (hooks, outbox)
}

async fn reconcile_rows(app: &TestApp, task_id: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE task_id = $1 AND queue = 'payments'")
        .bind(task_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_signed_notification_queues_one_reconciliation_and_a_replay_changes_nothing() {
    let app = TestApp::spawn().await;
    let token = sign(&incoming_payment("cbs-tb-92-467285"));

    let (code, body) = post(&app, PATH, token.clone()).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["id"], "cbs-tb-92-467285");
    assert_eq!(body["webhook_type"], "incomingPayment");
    assert_eq!(body["duplicate"], false);
    assert_eq!(reconcile_rows(&app, "reconcile:webhook:cbs-tb-92-467285").await, 1);
    let payload: Value = sqlx::query_scalar("SELECT payload FROM bank_webhooks WHERE id = 'cbs-tb-92-467285'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(payload["SidePayer"]["name"], "Иванов Иван Иванович");
    let job: Value =
        sqlx::query_scalar("SELECT payload FROM outbox WHERE task_id = 'reconcile:webhook:cbs-tb-92-467285'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(job, json!({ "kind": "reconcile_bank", "trigger": "webhook:cbs-tb-92-467285" }));
    assert_eq!(written(&app).await, (1, 1));

    // Tochka resends; the path works without the trailing slash too.
    for path in [PATH, "/api/payments/webhook/tochka"] {
        let (code, body) = post(&app, path, token.clone()).await;
        assert_eq!(code, StatusCode::OK, "{body}");
        assert_eq!(body["duplicate"], true);
    }
    assert_eq!(written(&app).await, (1, 1));
    assert_eq!(reconcile_rows(&app, "reconcile:webhook:cbs-tb-92-467285").await, 1);
}

#[tokio::test]
async fn notifications_are_identified_by_operation_id_or_by_their_hash() {
    let app = TestApp::spawn().await;
    let sbp = json!({
        "webhookType": "incomingSbpPayment", "operationId": "A5330061905490010000110011", "qrcId": "AS1000670LSS7DN18SJQDNP4B05KLJL2",
        "amount": "250.00", "payerName": "Иван Иванович И.", "payerMobileNumber": "79000000000",
        "brandName": "ГрупБай", "merchantId": "MA0000000001", "refTransactionId": "", "purpose": "GBD-7",
        "customerCode": "300000092"
    });
    let (code, body) = post(&app, PATH, sign(&sbp)).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(reconcile_rows(&app, "reconcile:webhook:A5330061905490010000110011").await, 1);

    // No id of the bank's own (Tochka's test delivery, say): the token's sha256 stands in.
    let (code, body) = post(&app, PATH, sign(&json!({ "webhookType": "outgoingPayment", "customerCode": "1" }))).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let id = body["id"].as_str().unwrap();
    assert!(id.len() == 64 && id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert_eq!(reconcile_rows(&app, &format!("reconcile:webhook:{id}")).await, 1);
    assert_eq!(written(&app).await, (2, 2));

    // `exp` is optional but honoured when present.
    let now = chrono::Utc::now().timestamp();
    let mut fresh = incoming_payment("cbs-tb-92-1");
    fresh["exp"] = json!(now + 600);
    assert_eq!(post(&app, PATH, sign(&fresh)).await.0, StatusCode::OK);
    let mut expired = incoming_payment("cbs-tb-92-2");
    expired["exp"] = json!(now - 3600);
    assert_error(&post(&app, PATH, sign(&expired)).await, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(written(&app).await, (3, 3));
}

#[tokio::test]
async fn forged_unsigned_and_malformed_notifications_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let claims = incoming_payment("cbs-tb-92-999");
    let genuine = sign(&claims);
    let segments: Vec<&str> = genuine.split('.').collect();
    let public_pem = std::fs::read(TOCHKA_PUBLIC_KEY).unwrap();

    let mut tampered_claims = claims.clone();
    tampered_claims["amount"] = json!("1500000.00");
    let tampered_payload = sign_with(OTHER_KEY, &tampered_claims).split('.').nth(1).unwrap().to_string();

    let refused: Vec<(&str, String)> = vec![
        ("signed with another key", sign_with(OTHER_KEY, &claims)),
        // {"alg":"none","typ":"JWT"} over the genuine claims, with and without a signature.
        ("alg none", format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", segments[1])),
        ("alg none with a signature", format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.{}", segments[1], segments[2])),
        ("signature stripped", format!("{}.{}.", segments[0], segments[1])),
        ("claims swapped under a genuine signature", format!("{}.{}.{}", segments[0], tampered_payload, segments[2])),
        (
            "HS256 with the public key as secret",
            encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&public_pem)).unwrap(),
        ),
        ("garbage", "this is not a token".into()),
        ("three garbage segments", "a.b.c".into()),
        ("empty", String::new()),
    ];
    for (what, token) in refused {
        let response = post(&app, PATH, token).await;
        assert_eq!(response.0, StatusCode::UNAUTHORIZED, "{what}: {}", response.1);
        assert_error(&response, StatusCode::UNAUTHORIZED, "unauthorized");
        let error = response.1["error"].as_str().unwrap();
        assert!(error.starts_with("invalid webhook signature"), "{what}: {error}");
    }
    // Not text at all, and no content type.
    let response = post(&app, PATH, vec![0xff, 0xfe, 0x00]).await;
    assert_error(&response, StatusCode::UNAUTHORIZED, "unauthorized");
    let response = send(app.anon(Method::POST, PATH).body(genuine.replace('.', ""))).await;
    assert_error(&response, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(written(&app).await, (0, 0));

    // The genuine one still goes through afterwards.
    assert_eq!(post(&app, PATH, genuine).await.0, StatusCode::OK);
    assert_eq!(written(&app).await, (1, 1));
}

#[tokio::test]
async fn without_a_configured_key_the_endpoint_refuses_everything_with_503() {
    use api::AppState;
    use api::auth::AuthConfig;
    use poem::listener::{Acceptor, Listener, TcpListener};
    use std::collections::HashSet;
    use std::sync::Arc;

    let (pool, _) = fresh_database().await;
    let state = AppState {
        pool: pool.clone(),
        auth: AuthConfig {
            jwt_secret: Arc::from(jwt_secret()),
            service_keys: Arc::new(HashSet::new()),
            telegram_bot_token: None,
        },
        redis: None,
        queues: None,
        admin_ui_dir: None,
        webapp_dir: None,
        media_dir: None,
        pay_into: pay_into(None),
        bank: None,
        webhook_key: None,
        clients: Default::default(),
        chat: api::chat::Chat::start(
            REDIS_URL,
            &format!("gbtest:{}", uuid::Uuid::new_v4().simple()),
            Default::default(),
        )
        .await
        .unwrap(),
    };
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().expect("tcp address");
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(api::app(state)));

    let response = send(
        reqwest::Client::new()
            .post(format!("http://{addr}{PATH}"))
            .header("content-type", "text/plain")
            .body(sign(&incoming_payment("cbs-tb-92-5"))),
    )
    .await;
    assert_error(&response, StatusCode::SERVICE_UNAVAILABLE, "webhook_not_configured");
    let hooks: i64 = sqlx::query_scalar("SELECT count(*) FROM bank_webhooks").fetch_one(&pool).await.unwrap();
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox").fetch_one(&pool).await.unwrap();
    assert_eq!((hooks, outbox), (0, 0));
}

#[tokio::test]
async fn a_webhook_makes_the_deposit_arrive_without_waiting_for_the_cron() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let inn = workflows::users::inn::with_check_digits(7_700_000_000 + buyer as u64);
    let (code, created) = send(
        app.as_user(buyer, Method::POST, "/api/payments/")
            .json(&json!({ "user_id": buyer, "amount": "700.00", "inn": inn })),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let purpose = created["requisites"]["purpose"].as_str().unwrap();
    let (code, paid) = send(
        reqwest::Client::new()
            .post(format!("{}/sandbox/incoming", app.sandbox.url()))
            .json(&json!({ "amount": "700.00", "purpose": purpose })),
    )
    .await;
    assert!(code.is_success(), "{paid}");
    let bank_id = paid["payment_id"].as_str().unwrap();

    // The notification claims a different amount: it is only a nudge; the bank's word counts.
    let mut claims = incoming_payment(bank_id);
    claims["amount"] = json!("700000.00");
    let (code, body) = post(&app, PATH, sign(&claims)).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    app.drain().await;
    let (_, status) = send(app.service(Method::GET, &format!("/api/payments/{id}/status/"))).await;
    assert_eq!(status["status"], "succeeded", "{status}");
    assert_eq!(status["amount"], "700.00");
    app.assert_ledger_consistent().await;
}

#[test]
fn the_key_may_be_configured_as_pem_or_as_the_jwk_tochka_publishes() {
    use api::routes::webhook::decoding_key_from_file;
    use jsonwebtoken::{Validation, decode};
    let jwk = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tochka-webhook-key.jwk.json");
    let token = sign(&incoming_payment("cbs-tb-92-3"));
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    for path in [TOCHKA_PUBLIC_KEY, jwk] {
        let key = decoding_key_from_file(path.as_ref()).unwrap();
        let claims = decode::<Value>(&token, &key, &validation).unwrap().claims;
        assert_eq!(claims["paymentId"], "cbs-tb-92-3", "{path}");
    }
    let other = sign_with(OTHER_KEY, &incoming_payment("cbs-tb-92-3"));
    assert!(decode::<Value>(&other, &decoding_key_from_file(jwk.as_ref()).unwrap(), &validation).is_err());
    assert!(decoding_key_from_file("/nonexistent/key.pem".as_ref()).is_err());
    let not_a_key = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/README.md");
    assert!(decoding_key_from_file(not_a_key.as_ref()).is_err());
}
