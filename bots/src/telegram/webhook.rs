//! Webhook mode: Telegram POSTs each update to an endpoint the API process serves. The
//! `X-Telegram-Bot-Api-Secret-Token` header must carry the secret given to `setWebhook`;
//! the update is queued for its chat and answered 200 at once (Telegram resends on a slow or
//! failed answer, so handling must not hold the request).

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{Endpoint, EndpointExt, IntoResponse, Response, handler, post};
use teloxide::Bot;
use teloxide::payloads::SetWebhookSetters;
use teloxide::prelude::Requester;
use teloxide::types::Update;

use super::{ChatQueues, incoming};

pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

#[derive(Clone)]
struct Webhook {
    secret: Option<String>,
    queues: ChatQueues,
}

/// The endpoint to mount at the webhook URL's path. Without a secret every POST is taken
/// (Telegram then sends no header); with one, a missing header is 401 and a wrong one 403.
pub fn endpoint(secret: Option<String>, queues: ChatQueues) -> impl Endpoint {
    post(receive).data(Webhook { secret, queues })
}

#[handler]
async fn receive(request: &poem::Request, body: poem::Body, Data(hook): Data<&Webhook>) -> Response {
    if let Some(secret) = &hook.secret {
        match request.header(SECRET_HEADER) {
            None => return refuse(StatusCode::UNAUTHORIZED, "missing X-Telegram-Bot-Api-Secret-Token"),
            Some(given) if !same_secret(given, secret) => {
                return refuse(StatusCode::FORBIDDEN, "wrong X-Telegram-Bot-Api-Secret-Token");
            }
            Some(_) => {}
        }
    }
    let bytes = match body.into_bytes().await {
        Ok(bytes) => bytes,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("unreadable body: {e}")),
    };
    let update: Update = match serde_json::from_slice(&bytes) {
        Ok(update) => update,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("not a Telegram update: {e}")),
    };
    if let Some(incoming) = incoming(&update) {
        hook.queues.push(format!("telegram:{}", update.id.0), incoming);
    }
    Json(serde_json::json!({"ok": true})).into_response()
}

fn refuse(status: StatusCode, detail: &str) -> Response {
    Json(serde_json::json!({"error": detail})).with_status(status).into_response()
}

/// Compares without stopping at the first difference, so timing tells nothing of the secret.
fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Tells Telegram where to POST updates (and the secret to send with them).
pub async fn register(bot: &Bot, url: &str, secret: Option<&str>) -> Result<(), String> {
    let url = reqwest::Url::parse(url).map_err(|e| format!("TELEGRAM_WEBHOOK_URL '{url}': {e}"))?;
    let mut request = bot.set_webhook(url);
    if let Some(secret) = secret {
        request = request.secret_token(secret.to_string());
    }
    request.await.map_err(|e| format!("setWebhook: {e}"))?;
    Ok(())
}
