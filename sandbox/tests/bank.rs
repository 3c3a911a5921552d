//! The real Cyclops client against the sandbox bank over real HTTP on an ephemeral port.

use cyclops::{CyclopsClient, CyclopsConfig, Signer};
use sandbox::{Fault, SandboxBank, SandboxConfig, SandboxServer, serve};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use workflows::Money;
use workflows::bank::{
    AccountAmount, Bank, BankError, BankRequisites, LegalEntityBeneficiary, NewBeneficiary, NewDeal, Payout,
    PersonBeneficiary, RecipientPayout,
};
use workflows::bank::{DealRecipient, IncomingPayment};

/// Test-only keys (see fixtures/README.md).
const PLATFORM_KEY: &str = include_str!("fixtures/platform-key.pem");
const IMPOSTOR_KEY: &str = include_str!("fixtures/impostor-key.pem");
const SYSTEM: &str = "groupbuy-test";

struct Sandbox {
    server: SandboxServer,
    client: CyclopsClient,
    bank: Arc<dyn Bank>,
}

async fn sandbox() -> Sandbox {
    let signer = Signer::from_pem(PLATFORM_KEY).unwrap();
    let bank = SandboxBank::new(SandboxConfig::trusting(&signer, SYSTEM)).unwrap();
    let server = serve("127.0.0.1:0", bank).await.unwrap();
    let client = client(&server, signer, SYSTEM, Duration::from_secs(5));
    Sandbox { bank: Arc::new(client.clone()), client, server }
}

impl Sandbox {
    /// Stages a fault over HTTP, as tests of other processes do.
    async fn inject(&self, body: serde_json::Value) {
        let url = format!("{}/sandbox/faults", self.server.url());
        assert_eq!(reqwest::Client::new().post(url).json(&body).send().await.unwrap().status(), 200);
    }
}

fn client(server: &SandboxServer, signer: Signer, system: &str, timeout: Duration) -> CyclopsClient {
    let config = CyclopsConfig::new(server.api_url(), system, signer)
        .with_timeout(timeout)
        .with_nominal_account(SandboxConfig::TEST_NOMINAL_ACCOUNT, SandboxConfig::TEST_BIC);
    CyclopsClient::new(config).unwrap()
}

fn rub(text: &str) -> Money {
    text.parse().unwrap()
}

fn person(inn: &str) -> NewBeneficiary {
    NewBeneficiary::NaturalPerson(PersonBeneficiary {
        inn: inn.into(),
        registration_address: "Москва, ул. Тестовая, 1".into(),
        tax_resident: true,
    })
}

fn organizer_requisites() -> BankRequisites {
    // The requisites Tochka's testing guide gives for payouts.
    BankRequisites {
        account: "40702810238030000904".into(),
        bank_code: "046577964".into(),
        name: "ООО \"Петруня\"".into(),
        inn: "6671217676".into(),
        kpp: Some("667101001".into()),
    }
}

impl Sandbox {
    /// A beneficiary with one virtual account.
    async fn account(&self, inn: &str) -> String {
        let beneficiary = self.bank.create_beneficiary(&person(inn)).await.unwrap();
        self.bank.create_virtual_account(&beneficiary).await.unwrap()
    }

    /// Money arrives with `purpose`; returns the payment as the bank lists it.
    async fn arrive(&self, amount: &str, purpose: &str) -> IncomingPayment {
        let before = self.bank.list_incoming_payments(true).await.unwrap();
        self.client.tender_helpers().transfer_money(rub(amount), purpose).await.unwrap();
        let after = self.bank.list_incoming_payments(true).await.unwrap();
        let new: Vec<_> = after.into_iter().filter(|id| !before.contains(id)).collect();
        assert_eq!(new.len(), 1, "one new incoming payment");
        self.bank.get_payment(&new[0]).await.unwrap()
    }

    /// An account holding `amount`, through an identified deposit.
    async fn funded_account(&self, inn: &str, amount: &str) -> String {
        let va = self.account(inn).await;
        let payment = self.arrive(amount, &format!("Пополнение {inn}")).await;
        self.bank.identify_payment(&payment.id, &[(va.clone(), rub(amount))]).await.unwrap();
        va
    }

    async fn balance(&self, va: &str) -> (Money, Money) {
        let b = self.bank.get_virtual_account(va).await.unwrap();
        (b.cash, b.blocked_cash)
    }

    async fn state(&self) -> serde_json::Value {
        reqwest::get(format!("{}/sandbox/state", self.server.url())).await.unwrap().json().await.unwrap()
    }
}

#[tokio::test]
async fn beneficiaries_and_virtual_accounts() {
    let s = sandbox().await;
    assert_eq!(s.bank.echo("ping").await.unwrap(), "ping");

    let person_id = s.bank.create_beneficiary(&person("500100732259")).await.unwrap();
    let again = s.bank.create_beneficiary(&person("500100732259")).await;
    assert_eq!(again, Err(BankError::BeneficiaryExists { id: Some(person_id.clone()) }));
    let company = NewBeneficiary::LegalEntity(LegalEntityBeneficiary {
        inn: "6671217676".into(),
        name: "ООО \"Петруня\"".into(),
        kpp: "667101001".into(),
        ogrn: None,
    });
    s.bank.create_beneficiary(&company).await.unwrap();
    let sole = NewBeneficiary::SoleProprietor(PersonBeneficiary {
        inn: "500100732260".into(),
        registration_address: "Тула".into(),
        tax_resident: true,
    });
    s.bank.create_beneficiary(&sole).await.unwrap();

    let va = s.bank.create_virtual_account(&person_id).await.unwrap();
    assert_eq!(s.balance(&va).await, (Money::ZERO, Money::ZERO));
    assert_eq!(s.bank.create_virtual_account("no-such-beneficiary").await, Err(BankError::BeneficiaryNotFound));
    assert_eq!(s.bank.get_virtual_account("no-such-account").await.unwrap_err(), BankError::VirtualAccountNotFound);
}

#[tokio::test]
async fn a_transfer_is_listed_read_and_identified_onto_virtual_accounts() {
    let s = sandbox().await;
    let alice = s.account("500100732259").await;
    let bob = s.account("500100732261").await;

    let payment = s.arrive("1500.50", "Пополнение баланса GB-42").await;
    assert_eq!(payment.amount, rub("1500.50"));
    assert_eq!(payment.purpose, "Пополнение баланса GB-42");
    assert_eq!(payment.kind, "incoming");
    assert!(payment.incoming && !payment.identified && payment.can_be_identified());
    assert_eq!(payment.payer_account.as_deref(), Some("40702810713500000456"));
    assert!(payment.created_at.is_some());
    assert!(payment.id.starts_with("sandbox-"));

    // The owners' shares must add up to the payment exactly; a refused identification moves nothing.
    let short = s.bank.identify_payment(&payment.id, &[(alice.clone(), rub("1500.49"))]).await;
    assert_eq!(short, Err(BankError::AmountMismatch));
    assert_eq!(s.balance(&alice).await.0, Money::ZERO);

    let owners = [(alice.clone(), rub("1000.25")), (bob.clone(), rub("500.25"))];
    let balances = s.bank.identify_payment(&payment.id, &owners).await.unwrap();
    assert_eq!(
        balances,
        vec![
            AccountAmount { virtual_account: alice.clone(), amount: rub("1000.25") },
            AccountAmount { virtual_account: bob.clone(), amount: rub("500.25") },
        ]
    );
    assert_eq!(s.balance(&alice).await, (rub("1000.25"), Money::ZERO));

    let twice = s.bank.identify_payment(&payment.id, &owners).await;
    assert_eq!(twice, Err(BankError::AlreadyIdentified));
    assert_eq!(s.balance(&alice).await.0, rub("1000.25"));
    assert!(s.bank.get_payment(&payment.id).await.unwrap().identified);
    assert!(!s.bank.list_incoming_payments(true).await.unwrap().contains(&payment.id));
    assert!(s.bank.list_incoming_payments(false).await.unwrap().contains(&payment.id));
    assert_eq!(s.bank.get_payment("sandbox-nope").await, Err(BankError::PaymentNotFound));
}

#[tokio::test]
async fn unidentified_money_goes_back_to_its_payer() {
    let s = sandbox().await;
    let payment = s.arrive("99.99", "непонятно что").await;
    s.bank.refund_payment(&payment.id).await.unwrap();
    assert!(!s.bank.list_incoming_payments(true).await.unwrap().contains(&payment.id));
    let va = s.account("500100732259").await;
    assert!(s.bank.identify_payment(&payment.id, &[(va, rub("99.99"))]).await.is_err());
    assert!(s.bank.refund_payment(&payment.id).await.is_err());
}

#[tokio::test]
async fn a_deal_blocks_then_pays_the_organizer_and_the_commission() {
    let s = sandbox().await;
    let alice = s.funded_account("500100732259", "1000").await;
    let bob = s.funded_account("500100732261", "600").await;
    let deal = NewDeal {
        ext_key: "capture:procurement-7:1".into(),
        payers: vec![
            AccountAmount { virtual_account: alice.clone(), amount: rub("1000") },
            AccountAmount { virtual_account: bob.clone(), amount: rub("500") },
        ],
        recipients: vec![
            DealRecipient {
                number: 1,
                amount: rub("1425"),
                payout: RecipientPayout::PaymentContract {
                    requisites: organizer_requisites(),
                    purpose: "Выплата организатору по закупке 7".into(),
                },
            },
            DealRecipient { number: 2, amount: rub("75"), payout: RecipientPayout::Commission { purpose: None } },
        ],
    };
    let deal_id = s.bank.create_deal(&deal).await.unwrap();
    assert_eq!(s.balance(&alice).await, (Money::ZERO, rub("1000")));
    assert_eq!(s.balance(&bob).await, (rub("100"), rub("500")));
    assert_eq!(s.bank.create_deal(&deal).await, Err(BankError::DealExists { deal_id: Some(deal_id.clone()) }));
    assert_eq!(s.bank.get_deal(&deal_id).await.unwrap().status, "new");

    s.bank.execute_deal(&deal_id).await.unwrap();
    let done = s.bank.get_deal(&deal_id).await.unwrap();
    assert_eq!(
        (done.status.as_str(), done.amount, done.ext_key.as_deref()),
        ("closed", rub("1500"), Some(deal.ext_key.as_str()))
    );
    assert_eq!(done.recipients.len(), 2);
    for r in &done.recipients {
        assert_eq!(r.status, "success");
        let paid = s.bank.get_payment(r.payment_id.as_deref().unwrap()).await.unwrap();
        assert_eq!((paid.amount, paid.incoming, paid.kind.as_str()), (r.amount, false, r.kind.as_str()));
    }
    assert_eq!(done.recipients[0].kind, "payment_contract");
    assert_eq!(done.recipients[1].kind, "commission");
    assert_eq!(s.balance(&alice).await, (Money::ZERO, Money::ZERO));
    assert_eq!(s.balance(&bob).await, (rub("100"), Money::ZERO));

    let again = s.bank.execute_deal(&deal_id).await;
    assert_eq!(again, Err(BankError::DealWrongStatus { status: Some("closed".into()) }));
    assert_eq!(s.bank.get_deal("no-such-deal").await, Err(BankError::DealNotFound));
}

#[tokio::test]
async fn a_rejected_deal_unblocks_and_an_unfunded_one_is_refused() {
    let s = sandbox().await;
    let alice = s.funded_account("500100732259", "300").await;
    let deal = |ext_key: &str, amount: &str| NewDeal {
        ext_key: ext_key.into(),
        payers: vec![AccountAmount { virtual_account: alice.clone(), amount: rub(amount) }],
        recipients: vec![DealRecipient {
            number: 1,
            amount: rub(amount),
            payout: RecipientPayout::Sbp {
                first_name: "Иван".into(),
                last_name: "Иванов".into(),
                middle_name: None,
                phone_number: "70000000001".into(),
                bank_sbp_id: "100000000284".into(),
                purpose: "Выплата".into(),
            },
        }],
    };
    assert_eq!(s.bank.create_deal(&deal("d-1", "300.01")).await, Err(BankError::InsufficientFunds));
    let deal_id = s.bank.create_deal(&deal("d-2", "300")).await.unwrap();
    assert_eq!(s.balance(&alice).await, (Money::ZERO, rub("300")));
    s.bank.rejected_deal(&deal_id).await.unwrap();
    assert_eq!(s.balance(&alice).await, (rub("300"), Money::ZERO));
    assert_eq!(s.bank.get_deal(&deal_id).await.unwrap().status, "rejected");
    assert!(matches!(s.bank.execute_deal(&deal_id).await, Err(BankError::DealWrongStatus { .. })));
}

#[tokio::test]
async fn payouts_and_transfers_between_virtual_accounts() {
    let s = sandbox().await;
    let alice = s.funded_account("500100732259", "1000").await;
    let bob = s.account("500100732261").await;

    s.bank.transfer_between_virtual_accounts(&alice, &bob, rub("250")).await.unwrap();
    assert_eq!(s.balance(&bob).await.0, rub("250"));
    let too_much = s.bank.transfer_between_virtual_accounts(&alice, &bob, rub("750.01")).await;
    assert_eq!(too_much, Err(BankError::InsufficientFunds));

    let payout = Payout {
        virtual_account: alice.clone(),
        amount: rub("700"),
        recipient: organizer_requisites(),
        purpose: Some("Вывод средств".into()),
        ext_key: "withdrawal:17".into(),
    };
    let payment_id = s.bank.refund_virtual_account(&payout).await.unwrap();
    assert_eq!(s.balance(&alice).await.0, rub("50"));
    // A repeat with the same ext_key is the same payout, not a second one.
    assert_eq!(s.bank.refund_virtual_account(&payout).await.unwrap(), payment_id);
    assert_eq!(s.balance(&alice).await.0, rub("50"));
    let paid = s.bank.get_payment(&payment_id).await.unwrap();
    assert_eq!((paid.amount, paid.kind.as_str(), paid.incoming), (rub("700"), "refund", false));

    let broke = Payout { ext_key: "withdrawal:18".into(), ..payout };
    assert_eq!(s.bank.refund_virtual_account(&broke).await, Err(BankError::InsufficientFunds));
}

#[tokio::test]
async fn an_sbp_qr_payment_arrives_with_its_qr_code_id() {
    let s = sandbox().await;
    let qr = s.bank.generate_sbp_qrcode(rub("700.10"), "Пополнение GB-7").await.unwrap();
    assert!(qr.url.contains(&qr.id));
    assert_eq!(qr.image_media_type, "image/png");

    let helpers = s.client.tender_helpers();
    assert!(helpers.send_c2b_credit_transfer_request(&qr.id, rub("700")).await.is_err(), "the QR's amount only");
    helpers.send_c2b_credit_transfer_request(&qr.id, rub("700.10")).await.unwrap();
    let ids = s.bank.list_incoming_payments(true).await.unwrap();
    assert_eq!(ids.len(), 1);
    let payment = s.bank.get_payment(&ids[0]).await.unwrap();
    assert_eq!((payment.kind.as_str(), payment.qrcode_id.as_deref()), ("incoming_sbp", Some(qr.id.as_str())));
    assert!(payment.is_sbp() && payment.purpose.contains(&qr.id));

    let va = s.account("500100732259").await;
    s.bank.identify_payment(&payment.id, &[(va.clone(), rub("700.10"))]).await.unwrap();
    assert_eq!(s.balance(&va).await.0, rub("700.10"));
}

#[tokio::test]
async fn a_wrong_signature_is_refused_and_changes_nothing() {
    let s = sandbox().await;
    let impostor = client(&s.server, Signer::from_pem(IMPOSTOR_KEY).unwrap(), SYSTEM, Duration::from_secs(5));
    // Same thumbprint as the platform's, so only the signature itself is wrong.
    let platform_thumbprint = Signer::from_pem(PLATFORM_KEY).unwrap().thumbprint().to_string();
    let forger = client(
        &s.server,
        Signer::from_pem(IMPOSTOR_KEY).unwrap().with_thumbprint(platform_thumbprint),
        SYSTEM,
        Duration::from_secs(5),
    );
    let stranger = client(&s.server, Signer::from_pem(PLATFORM_KEY).unwrap(), "someone-else", Duration::from_secs(5));
    let before = s.state().await;

    for bad in [&impostor, &forger, &stranger] {
        let refused = bad.create_beneficiary(&person("500100732259")).await.unwrap_err();
        assert!(matches!(refused, BankError::Signature(_)), "{refused:?}");
        assert!(!refused.is_retryable());
        let refused = bad.tender_helpers().transfer_money(rub("100"), "подделка").await.unwrap_err();
        assert!(matches!(refused, BankError::Signature(_)));
    }
    assert_eq!(s.state().await, before);

    // An unsigned request, by hand.
    let unsigned = reqwest::Client::new()
        .post(format!("{}/cyclops/v2/jsonrpc", s.server.api_url()))
        .json(&json!({"jsonrpc":"2.0","id":"1","method":"echo","params":{"text":"hi"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    assert_eq!(s.bank.echo("still fine").await.unwrap(), "still fine");
}

#[tokio::test]
async fn a_bank_that_hangs_times_out_retryably_within_the_client_timeout() {
    let s = sandbox().await;
    let va = s.account("500100732259").await;
    let impatient = client(&s.server, Signer::from_pem(PLATFORM_KEY).unwrap(), SYSTEM, Duration::from_millis(500));
    s.server.bank().inject("get_virtual_account", Fault::Timeout { delay: Duration::from_secs(10) }, 1);

    let started = Instant::now();
    let error = impatient.get_virtual_account(&va).await.unwrap_err();
    assert_eq!(error, BankError::Timeout);
    assert!(error.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    // The fault was for one call only.
    assert_eq!(impatient.get_virtual_account(&va).await.unwrap().cash, Money::ZERO);
}

#[tokio::test]
async fn a_lost_response_means_the_call_may_have_happened() {
    let s = sandbox().await;
    let va = s.account("500100732259").await;
    let payment = s.arrive("10", "GB-1").await;
    let impatient = client(&s.server, Signer::from_pem(PLATFORM_KEY).unwrap(), SYSTEM, Duration::from_millis(500));
    s.server.bank().inject("identification_payment", Fault::LostResponse { delay: Duration::from_secs(5) }, 1);

    let owners = [(va.clone(), rub("10"))];
    assert_eq!(impatient.identify_payment(&payment.id, &owners).await, Err(BankError::Timeout));
    // The retry finds the work done: the money moved exactly once.
    assert_eq!(s.bank.identify_payment(&payment.id, &owners).await, Err(BankError::AlreadyIdentified));
    assert_eq!(s.balance(&va).await.0, rub("10"));
}

#[tokio::test]
async fn faults_injected_over_http() {
    let s = sandbox().await;
    let http = reqwest::Client::new();

    s.inject(json!({"method": "list_payments", "fault": "http_500", "times": 2})).await;
    for _ in 0..2 {
        let error = s.bank.list_incoming_payments(true).await.unwrap_err();
        assert!(matches!(error, BankError::Http { status: 500, .. }) && error.is_retryable(), "{error:?}");
    }
    assert!(s.bank.list_incoming_payments(true).await.unwrap().is_empty());

    s.inject(json!({"method": "create_virtual_account", "fault": {"error": 4415, "message": "Недостаточно средств"}}))
        .await;
    let error = s.bank.create_virtual_account("whatever").await.unwrap_err();
    assert_eq!(error, BankError::InsufficientFunds);
    assert!(!error.is_retryable());
    s.inject(json!({"method": "echo", "fault": {"error": 4909}})).await;
    assert!(s.bank.echo("x").await.unwrap_err().is_retryable());

    s.inject(json!({"method": "echo", "fault": "timeout", "delay_ms": 50, "times": 5})).await;
    let cleared = http.delete(format!("{}/sandbox/faults", s.server.url())).send().await.unwrap();
    assert_eq!(cleared.status(), 200);
    assert_eq!(s.bank.echo("x").await.unwrap(), "x");

    let unknown =
        http.post(format!("{}/sandbox/faults", s.server.url())).json(&json!({"method":"echo","fault":"gremlins"}));
    assert_eq!(unknown.send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn an_outage_fails_every_method_for_a_while_and_then_ends() {
    let s = sandbox().await;
    let http = reqwest::Client::new();
    s.inject(json!({"method": "*", "fault": "http_500", "for_ms": 1500})).await;
    // A method's own fault goes first; every other method gets the outage's.
    s.inject(json!({"method": "echo", "fault": {"error": 4909}, "times": 1})).await;
    let state: serde_json::Value =
        http.get(format!("{}/sandbox/state", s.server.url())).send().await.unwrap().json().await.unwrap();
    assert!(state["faults"]["pending"]["*"][1]["for_ms"].as_u64().is_some_and(|ms| ms <= 1500), "{state}");

    assert_eq!(s.bank.echo("x").await.unwrap_err(), BankError::InProgress);
    for _ in 0..3 {
        let error = s.bank.echo("x").await.unwrap_err();
        assert!(matches!(error, BankError::Http { status: 500, .. }), "{error:?}");
        let error = s.bank.list_incoming_payments(true).await.unwrap_err();
        assert!(matches!(error, BankError::Http { status: 500, .. }), "{error:?}");
    }
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(s.bank.echo("x").await.unwrap(), "x");
    assert!(s.bank.list_incoming_payments(true).await.unwrap().is_empty());
}

/// Submits an HTML form as a browser does; returns the status.
async fn submit_form(url: &str, form: &str) -> u16 {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

#[tokio::test]
async fn a_person_pays_on_the_payment_page() {
    let s = sandbox().await;
    let url = s.server.payment_page_url(rub("1500"), "Пополнение GB-42 & co");
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(SandboxConfig::TEST_NOMINAL_ACCOUNT) && html.contains("1500.00"));
    assert!(html.contains("Пополнение GB-42 &amp; co"));

    let pay = format!("{}/pay", s.server.url());
    let form = "amount=1500.00&purpose=%D0%9F%D0%BE%D0%BF%D0%BE%D0%BB%D0%BD%D0%B5%D0%BD%D0%B8%D0%B5+GB-42";
    assert_eq!(submit_form(&pay, form).await, 200);
    let ids = s.bank.list_incoming_payments(true).await.unwrap();
    let payment = s.bank.get_payment(&ids[0]).await.unwrap();
    assert_eq!((payment.amount, payment.purpose.as_str()), (rub("1500"), "Пополнение GB-42"));
    assert_eq!(submit_form(&pay, "amount=1.234&purpose=x").await, 400);

    // The page an SBP QR code opens.
    let qr = s.bank.generate_sbp_qrcode(rub("42"), "GB-9").await.unwrap();
    let qr_page = reqwest::get(&qr.url).await.unwrap().text().await.unwrap();
    assert!(qr_page.contains(&qr.id) && qr_page.contains("42.00"));
    assert_eq!(submit_form(&qr.url, "").await, 200);
    let sbp = s.bank.list_incoming_payments(true).await.unwrap();
    assert_eq!(s.bank.get_payment(&sbp[1]).await.unwrap().qrcode_id, Some(qr.id));
    s.server.shutdown().await;
}
