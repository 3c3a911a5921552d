//! A fake Telegram Bot API: `{base}/bot{token}/{method}` with Telegram's envelopes and errors,
//! `getUpdates` long polling with offsets, a webhook it POSTs to with the secret header, and
//! the sending limits enforced with 429 `retry_after`. A control API plays the people:
//!
//! - `POST /control/updates` `{"from": {"id", "first_name", "language_code"?}, "text"}` or
//!   `{"from", "callback_data", "message_id"?}` (`chat_id`, `chat_type` for groups) → the update;
//! - `GET /control/chats/{chat_id}/messages`: the bot's messages there, as shown now, with keyboards;
//! - `GET /control/callback_answers`, `GET /control/stats`, `GET /control/webhook`;
//! - `POST /control/rate_limit` `{"method": "sendMessage", "retry_after": 2}`: that method's next
//!   call is answered 429 once.

mod bot_api;
mod limits;
mod state;

pub use limits::{OVERALL_PER_SECOND, PER_CHAT_PER_SECOND, PER_GROUP_PER_MINUTE};
pub use state::{BotMessage, CallbackAnswer, FakeUser, Injected, Stats, UserAction};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json, Path, Query};
use poem::{Endpoint, EndpointExt, IntoResponse, Response, Route, get, handler, post};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use bot_api::Params;
use state::{ApiError, Inner, int};

/// How often the fake tries to deliver an update to the webhook before dropping it (about
/// five seconds in all: a webhook registered just before its server listens still gets it).
const WEBHOOK_ATTEMPTS: u32 = 10;

/// The fake's state; clones share it. Create it inside a Tokio runtime (it starts the task
/// that delivers updates to a webhook).
#[derive(Clone)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
}

struct Shared {
    token: String,
    inner: Mutex<Inner>,
    /// Wakes waiting `getUpdates` calls.
    arrived: Notify,
    to_webhook: mpsc::UnboundedSender<(i64, Value)>,
}

impl FakeTelegram {
    /// A fake bot with `token` (`123456:…`: the number before the colon is the bot's id).
    pub fn new(token: &str) -> Self {
        let bot_id = token.split(':').next().and_then(|id| id.parse().ok()).unwrap_or(1);
        let (to_webhook, updates) = mpsc::unbounded_channel();
        let fake = FakeTelegram {
            shared: Arc::new(Shared {
                token: token.to_string(),
                inner: Mutex::new(Inner::new(bot_id)),
                arrived: Notify::new(),
                to_webhook,
            }),
        };
        tokio::spawn(push_to_webhook(Arc::downgrade(&fake.shared), updates));
        fake
    }

    /// Without Telegram's sending limits: for measuring the bot itself, not the limits.
    pub fn without_limits(self) -> Self {
        self.inner().windows.off = true;
        self
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A person writes or presses a button: the update goes to the webhook if one is set, or
    /// waits for `getUpdates`.
    pub fn inject(&self, action: &UserAction) -> Result<Injected, String> {
        let mut inner = self.inner();
        let (injected, update) = inner.action_update(action)?;
        self.enqueue(&mut inner, injected.update_id, update);
        Ok(injected)
    }

    fn enqueue(&self, inner: &mut Inner, update_id: i64, update: Value) {
        if inner.webhook.is_some() {
            let _ = self.shared.to_webhook.send((update_id, update));
        } else {
            inner.pending.push_back((update_id, update));
            self.shared.arrived.notify_waiters();
        }
    }

    /// The bot's messages in a chat, oldest first, as the chat shows them now.
    pub fn bot_messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.inner().messages.get(&chat_id).cloned().unwrap_or_default()
    }

    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.inner().answers.clone()
    }

    pub fn stats(&self) -> Stats {
        self.inner().stats.clone()
    }

    /// The next call of `method` is answered 429 with this `retry_after`, once.
    pub fn rate_limit_next(&self, method: &str, retry_after: u32) {
        self.inner().forced.entry(method.to_string()).or_default().push_back(retry_after);
    }

    /// The webhook URL and whether it has a secret.
    pub fn webhook(&self) -> Option<(String, bool)> {
        self.inner().webhook.as_ref().map(|w| (w.url.clone(), w.secret.is_some()))
    }

    /// The menu button set for `chat` (`None`: every private chat's), as the bot sent it.
    pub fn menu_button(&self, chat: Option<i64>) -> Option<Value> {
        self.inner().menu_buttons.get(&chat).cloned()
    }

    /// The Bot API and the control API, to serve.
    pub fn endpoint(&self) -> impl Endpoint + 'static {
        Route::new()
            .at("/:bot/:method", post(bot_method).get(bot_method))
            .at("/control/updates", post(control_inject))
            .at("/control/chats/:chat_id/messages", get(control_messages))
            .at("/control/callback_answers", get(control_answers))
            .at("/control/stats", get(control_stats))
            .at("/control/webhook", get(control_webhook))
            .at("/control/rate_limit", post(control_rate_limit))
            .data(self.clone())
    }

    /// Serves on `addr` (`127.0.0.1:0` picks a free port) in a background task.
    pub async fn serve(self, addr: &str) -> std::io::Result<FakeTelegramServer> {
        let (acceptor, addr) = super::server::bind(addr, "fake Telegram Bot API").await?;
        let listening = super::server::Listening::start(acceptor, addr, self.endpoint(), Duration::from_secs(1));
        Ok(FakeTelegramServer { listening, fake: self })
    }

    /// Answers one Bot API call (`getUpdates` may wait for updates up to its `timeout`).
    async fn call(&self, method: &str, params: &Params) -> Result<Value, ApiError> {
        // Telegram reads method names case-insensitively (teloxide sends `SendMessage`).
        let method =
            bot_api::METHODS.iter().find(|known| known.eq_ignore_ascii_case(method)).copied().unwrap_or(method);
        if method == "getUpdates" {
            return self.get_updates(params).await;
        }
        let mut inner = self.inner();
        let answer = bot_api::call(&mut inner, method, params)?;
        if method == "setWebhook" && inner.webhook.is_some() {
            // Updates that waited for getUpdates now go to the webhook, in order.
            while let Some((id, update)) = inner.pending.pop_front() {
                let _ = self.shared.to_webhook.send((id, update));
            }
        }
        Ok(answer)
    }

    async fn get_updates(&self, params: &Params) -> Result<Value, ApiError> {
        let offset = params.get("offset").and_then(int).unwrap_or(0);
        let limit = params.get("limit").and_then(int).unwrap_or(100).clamp(1, 100) as usize;
        let timeout = Duration::from_secs(params.get("timeout").and_then(int).unwrap_or(0).clamp(0, 50) as u64);
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.shared.arrived.notified();
            {
                let mut inner = self.inner();
                if inner.webhook.is_some() {
                    return Err(ApiError {
                        code: 409,
                        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first".into(),
                        retry_after: None,
                    });
                }
                // Asking for an offset confirms every update below it.
                inner.pending.retain(|(id, _)| *id >= offset);
                let batch: Vec<Value> = inner.pending.iter().take(limit).map(|(_, u)| u.clone()).collect();
                if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                    return Ok(Value::Array(batch));
                }
            }
            tokio::select! {
                _ = arrived => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }
}

/// Delivers updates to the webhook one at a time, in order, with the secret header; an
/// update the webhook does not take (non-2xx) is retried, then dropped, as Telegram does.
async fn push_to_webhook(shared: std::sync::Weak<Shared>, mut updates: mpsc::UnboundedReceiver<(i64, Value)>) {
    let client = reqwest::Client::new();
    while let Some((id, update)) = updates.recv().await {
        let Some(shared) = shared.upgrade() else { return };
        let webhook = shared.inner.lock().unwrap_or_else(|p| p.into_inner()).webhook.clone();
        let Some(webhook) = webhook else {
            // Deleted meanwhile: the update waits for getUpdates.
            shared.inner.lock().unwrap_or_else(|p| p.into_inner()).pending.push_back((id, update));
            shared.arrived.notify_waiters();
            continue;
        };
        for attempt in 1..=WEBHOOK_ATTEMPTS {
            let mut request = client.post(&webhook.url).json(&update);
            if let Some(secret) = &webhook.secret {
                request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
            }
            match request.send().await {
                Ok(answer) if answer.status().is_success() => break,
                Ok(answer) => tracing::debug!(status = %answer.status(), attempt, "webhook refused an update"),
                Err(error) => tracing::debug!(%error, attempt, "webhook unreachable"),
            }
            tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
        }
    }
}

/// A running fake; it keeps serving when dropped, until [`FakeTelegramServer::shutdown`].
pub struct FakeTelegramServer {
    listening: super::server::Listening,
    fake: FakeTelegram,
}

impl FakeTelegramServer {
    pub fn addr(&self) -> SocketAddr {
        self.listening.addr()
    }

    /// `http://host:port`: the Bot API base (`TELEGRAM_API_URL`) and the control API's root.
    pub fn url(&self) -> String {
        self.listening.url()
    }

    pub fn fake(&self) -> &FakeTelegram {
        &self.fake
    }

    pub async fn shutdown(self) {
        self.listening.shutdown().await
    }
}

#[handler]
async fn bot_method(
    request: &poem::Request,
    body: poem::Body,
    Path((bot, method)): Path<(String, String)>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    Data(fake): Data<&FakeTelegram>,
) -> Response {
    if bot.strip_prefix("bot") != Some(fake.token()) {
        return envelope(Err(ApiError { code: 401, description: "Unauthorized".into(), retry_after: None }));
    }
    let mut params: Params = query.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    match read_params(request, &mut poem::web::RequestBody::new(body)).await {
        Ok(fields) => params.extend(fields),
        Err(error) => return envelope(Err(error)),
    }
    envelope(fake.call(&method, &params).await)
}

/// The parameters in the body: JSON, a form, or multipart (teloxide sends `setWebhook` so,
/// since it may carry a certificate file); form values arrive as strings.
async fn read_params(request: &poem::Request, body: &mut poem::web::RequestBody) -> Result<Params, ApiError> {
    use poem::FromRequest;
    fn unreadable(e: impl std::fmt::Display) -> ApiError {
        ApiError::bad_request(&format!("can't parse the request: {e}"))
    }
    let content_type = request.content_type().unwrap_or_default().to_ascii_lowercase();
    let mut params = Params::new();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = poem::web::Multipart::from_request(request, body).await.map_err(unreadable)?;
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_string();
            let value = field.text().await.map_err(unreadable)?;
            params.insert(name, Value::String(value));
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let poem::web::Form(fields) =
            poem::web::Form::<std::collections::HashMap<String, String>>::from_request(request, body)
                .await
                .map_err(unreadable)?;
        params.extend(fields.into_iter().map(|(k, v)| (k, Value::String(v))));
    } else {
        let bytes = body.take().map_err(unreadable)?.into_bytes().await.map_err(unreadable)?;
        if !bytes.is_empty() {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(fields)) => params.extend(fields),
                _ => return Err(ApiError::bad_request("the request body is not a JSON object")),
            }
        }
    }
    Ok(params)
}

fn envelope(answer: Result<Value, ApiError>) -> Response {
    match answer {
        Ok(result) => Json(json!({"ok": true, "result": result})).into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.code).unwrap_or(StatusCode::BAD_REQUEST);
            Json(error.body()).with_status(status).into_response()
        }
    }
}

fn control_error(detail: &str) -> Response {
    Json(json!({"error": detail})).with_status(StatusCode::BAD_REQUEST).into_response()
}

#[handler]
async fn control_inject(body: poem::Body, Data(fake): Data<&FakeTelegram>) -> Response {
    let bytes = body.into_bytes().await.unwrap_or_default();
    let action: UserAction = match serde_json::from_slice(&bytes) {
        Ok(action) => action,
        Err(e) => {
            return control_error(&format!(
                "expected {{\"from\": {{\"id\", \"first_name\"}}, \"text\" | \"callback_data\"}}: {e}"
            ));
        }
    };
    match fake.inject(&action) {
        Ok(injected) => Json(injected).into_response(),
        Err(e) => control_error(&e),
    }
}

#[handler]
async fn control_messages(Path(chat_id): Path<String>, Data(fake): Data<&FakeTelegram>) -> Response {
    match chat_id.parse() {
        Ok(chat_id) => Json(fake.bot_messages(chat_id)).into_response(),
        Err(_) => control_error("the chat id is a whole number"),
    }
}

#[handler]
async fn control_answers(Data(fake): Data<&FakeTelegram>) -> Json<Vec<CallbackAnswer>> {
    Json(fake.callback_answers())
}

#[handler]
async fn control_stats(Data(fake): Data<&FakeTelegram>) -> Json<Stats> {
    Json(fake.stats())
}

#[handler]
async fn control_webhook(Data(fake): Data<&FakeTelegram>) -> Json<Value> {
    Json(match fake.webhook() {
        Some((url, has_secret)) => json!({"url": url, "has_secret": has_secret}),
        None => json!({"url": null}),
    })
}

#[handler]
async fn control_rate_limit(body: poem::Body, Data(fake): Data<&FakeTelegram>) -> Response {
    let bytes = body.into_bytes().await.unwrap_or_default();
    let request: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    match (request["method"].as_str(), request["retry_after"].as_u64()) {
        (Some(method), Some(seconds @ 1..=3600)) => {
            fake.rate_limit_next(method, seconds as u32);
            Json(json!({"method": method, "retry_after": seconds})).into_response()
        }
        _ => control_error("expected {\"method\": \"sendMessage\", \"retry_after\": 1..3600}"),
    }
}
