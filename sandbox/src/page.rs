//! A small payment page so a person can "pay" a deposit in a browser:
//!
//! - `GET /pay?amount=1500.00&purpose=…` shows the nominal account's requisites, the amount and
//!   the purpose, and a "Pay" button; pressing it (`POST /pay`) makes the transfer arrive, exactly
//!   as `transfer_money` does, and shows the new payment's id;
//! - `GET /pay/qr/{qrc_id}` is what a `generate_sbp_qrcode` QR code's `url` opens, with a
//!   "Pay by SBP" button (`POST /pay/qr/{qrc_id}`).

use crate::bank::SandboxBank;
use money::Money;
use poem::handler;
use poem::http::StatusCode;
use poem::web::{Data, Form, Html, Path, Query};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PayRequest {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    purpose: String,
}

pub fn payment_page_url(base: &str, amount: Money, purpose: &str) -> String {
    format!("{base}/pay?amount={amount}&purpose={}", query_escape(purpose))
}

#[handler]
pub fn pay_form(Query(request): Query<PayRequest>, bank: Data<&SandboxBank>) -> Html<String> {
    let config = bank.config();
    let amount = request.amount.parse::<Money>().map(|m| m.to_string()).unwrap_or_default();
    Html(layout(
        "Оплата переводом",
        &format!(
            r#"<table>
<tr><th>Получатель</th><td>Номинальный счёт платформы (песочница)</td></tr>
<tr><th>Счёт</th><td>{account}</td></tr>
<tr><th>БИК</th><td>{bic}</td></tr>
</table>
<form method="post" action="/pay">
<label>Сумма, ₽ <input name="amount" value="{amount}" required></label>
<label>Назначение платежа <input name="purpose" value="{purpose}" size="60" required></label>
<button type="submit">Оплатить</button>
</form>"#,
            account = escape(&config.nominal_account),
            bic = escape(&config.bic),
            amount = escape(&amount),
            purpose = escape(&request.purpose),
        ),
    ))
}

#[handler]
pub fn pay(Form(request): Form<PayRequest>, bank: Data<&SandboxBank>) -> (StatusCode, Html<String>) {
    let Ok(amount) = request.amount.trim().parse::<Money>() else {
        return failed("Сумма должна быть числом с не более чем двумя знаками после запятой.");
    };
    match bank.receive_transfer(amount, request.purpose.trim()) {
        Ok(payment_id) => paid(&format!("{amount} ₽, назначение «{}»", request.purpose.trim()), &payment_id),
        Err(e) => failed(&e.message),
    }
}

#[handler]
pub fn qr_form(Path(qrc_id): Path<String>, bank: Data<&SandboxBank>) -> (StatusCode, Html<String>) {
    let Some(qr) = bank.books().qrcodes.get(&qrc_id).cloned() else {
        return failed("QR-код не найден.");
    };
    let body = format!(
        r#"<p>QR-код {id}: {amount} ₽, «{purpose}»</p>
<form method="post" action="/pay/qr/{id}"><button type="submit">Оплатить через СБП</button></form>"#,
        id = escape(&qr.id),
        amount = qr.amount,
        purpose = escape(&qr.purpose),
    );
    (StatusCode::OK, Html(layout("Оплата по QR-коду СБП", &body)))
}

#[handler]
pub fn pay_qr(Path(qrc_id): Path<String>, bank: Data<&SandboxBank>) -> (StatusCode, Html<String>) {
    match bank.pay_qrcode(&qrc_id) {
        Ok(()) => paid(&format!("QR-код {qrc_id}"), "см. incoming_sbp в /sandbox/state"),
        Err(e) => failed(&e.message),
    }
}

fn paid(what: &str, payment_id: &str) -> (StatusCode, Html<String>) {
    let body = format!(
        "<p>Оплачено: {}.</p><p>Платёж в банке: <code>{}</code>. Платформа увидит его при следующей сверке.</p>",
        escape(what),
        escape(payment_id)
    );
    (StatusCode::OK, Html(layout("Оплачено", &body)))
}

fn failed(why: &str) -> (StatusCode, Html<String>) {
    (StatusCode::BAD_REQUEST, Html(layout("Платёж не прошёл", &format!("<p>{}</p>", escape(why)))))
}

fn layout(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title} · Sandbox bank</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}}th{{text-align:left;padding-right:1em}}
label{{display:block;margin:.5em 0}}button{{font-size:1.1em;padding:.4em 1.2em}}</style></head>
<body><h1>{title}</h1>{body}<p><small>Песочница банка: настоящие деньги не движутся.</small></p></body></html>"#
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
