//! The Callback API: VK POSTs each event to our server (the API process mounts [`endpoint`],
//! e.g. at `POST /bot/vk/callback`). A `confirmation` event gets the confirmation string; every
//! other event must carry the community's secret (else 403, nothing handled) and gets `ok` once
//! its answer is out. VK repeats an event until it gets `ok`, so each `event_id` is claimed
//! ([`EventClaims`]) and a repeat is answered `ok` without being handled again.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{Endpoint, EndpointExt, IntoResponse, Response, handler, post};
use serde_json::Value;

use super::claims::EventClaims;
use super::client::VkClient;
use super::dispatch::{Dispatcher, Handler};
use super::updates;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackConfig {
    pub group_id: i64,
    /// `VK_CALLBACK_CONFIRMATION`: the string VK shows in the community's Callback API settings.
    pub confirmation: String,
    /// `VK_CALLBACK_SECRET`: the secret key set there.
    pub secret: String,
}

struct CallbackState {
    config: CallbackConfig,
    dispatcher: Dispatcher,
}

/// A poem endpoint for VK's Callback API, answering events through `handler` and `client`.
pub fn endpoint(
    config: CallbackConfig,
    client: Arc<VkClient>,
    handler: Arc<dyn Handler>,
    claims: EventClaims,
) -> impl Endpoint {
    let dispatcher = Dispatcher::start(client, handler, Some(claims));
    post(callback).data(Arc::new(CallbackState { config, dispatcher }))
}

#[handler]
async fn callback(Json(event): Json<Value>, state: Data<&Arc<CallbackState>>) -> Response {
    let config = &state.config;
    let secret = event.get("secret").and_then(Value::as_str);
    let group = event.get("group_id").and_then(Value::as_i64);
    if group != Some(config.group_id) {
        return refuse("not this community's event");
    }
    if event.get("type").and_then(Value::as_str) == Some("confirmation") {
        // VK sends the secret with the confirmation too when one is set; a wrong one is refused.
        if secret.is_some_and(|s| !same_secret(s, &config.secret)) {
            return refuse("wrong secret");
        }
        return text(StatusCode::OK, &config.confirmation);
    }
    if !secret.is_some_and(|s| same_secret(s, &config.secret)) {
        return refuse("wrong secret");
    }
    if event.get("event_id").and_then(Value::as_str).is_none() {
        return text(StatusCode::BAD_REQUEST, "an event needs its event_id");
    }
    let Some(update) = updates::parse(&event) else {
        return ok();
    };
    match state.dispatcher.submit(update).await {
        Ok(()) => ok(),
        // The claim was given back: VK's repeat of the event will be handled.
        Err(error) => unavailable(&error.to_string()),
    }
}

/// Compares in time independent of where the strings differ, so the secret cannot be guessed
/// byte by byte from response times.
fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn text(status: StatusCode, body: &str) -> Response {
    Response::builder().status(status).content_type("text/plain; charset=utf-8").body(body.to_string())
}

fn ok() -> Response {
    text(StatusCode::OK, "ok")
}

fn refuse(why: &str) -> Response {
    text(StatusCode::FORBIDDEN, why)
}

fn unavailable(why: &str) -> Response {
    tracing::warn!(why, "VK callback event not handled; VK will retry");
    text(StatusCode::SERVICE_UNAVAILABLE, why).into_response()
}
