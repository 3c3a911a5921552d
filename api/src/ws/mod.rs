//! WebSockets: a procurement's chat room (`/ws/procurement/{id}/?token=JWT[&since=SEQ]`) and a
//! person's notifications (`/ws/notifications/?token=JWT`). Both authenticate and authorize
//! before the upgrade, so a refused client gets a plain 401/403/404 with a JSON body and never a
//! socket.

mod notifications;
mod room;
mod socket;
mod upgrade;

use crate::auth::verify_token;
use crate::error::ApiError;
use crate::state::AppState;
use poem::web::{Data, Path, Query};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SocketParams {
    token: Option<String>,
    /// Kept as text so that a bad value cannot answer 400 before authentication does.
    since: Option<String>,
}

/// The user the query's token names, or 401 (a missing token included).
fn authenticate(state: &AppState, params: &SocketParams) -> Result<i64, ApiError> {
    let token = params.token.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let token = token.ok_or_else(|| ApiError::unauthorized("send the user token as ?token=<JWT>"))?;
    verify_token(&state.auth.jwt_secret, token)
        .map(|claims| claims.user_id)
        .map_err(|e| ApiError::unauthorized(format!("invalid token: {e}")))
}

/// Completes the handshake of a request that passed authentication, serving the socket with
/// `run`; a request that is no WebSocket handshake gets a 400.
fn accept<F, Fut>(req: &Request, state: &AppState, run: F) -> Result<Response, ApiError>
where
    F: FnOnce(upgrade::Stream) -> Fut + Send + 'static,
    Fut: std::future::Future + Send + 'static,
{
    let handshake = upgrade::Handshake::of(req)?;
    // Frames up to this size are read so they can be refused with 1009 and a reason; past
    // it the protocol layer drops the connection itself.
    let hard_limit = state.chat.config.max_frame_bytes.saturating_mul(16);
    Ok(handshake.accept(socket::protocol_config(hard_limit), run))
}

/// The chat room of procurement `id`: its organizer and participants who have not left.
#[handler]
pub async fn room_socket(
    Path(id): Path<i64>,
    Query(params): Query<SocketParams>,
    Data(state): Data<&AppState>,
    req: &Request,
) -> Response {
    let answer = async {
        let user_id = authenticate(state, &params)?;
        let since = params.since.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let since = since.map(|s| s.parse::<i64>().map_err(|_| bad_since(s))).transpose()?;
        workflows::chat::enter_room(&state.pool, id, user_id).await?;
        let session =
            room::Session { pool: state.pool.clone(), chat: state.chat.clone(), procurement_id: id, user_id, since };
        accept(req, state, move |socket| session.run(socket))
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}

fn bad_since(since: &str) -> ApiError {
    ApiError::bad_request(format!("since must be a message seq (a whole number), not '{since}'"), "validation_error")
}

/// The person's notifications as they are created, with the unread badge.
#[handler]
pub async fn notifications_socket(
    Query(params): Query<SocketParams>,
    Data(state): Data<&AppState>,
    req: &Request,
) -> Response {
    match authenticate(state, &params) {
        Ok(user_id) => {
            let session = notifications::Session { pool: state.pool.clone(), chat: state.chat.clone(), user_id };
            accept(req, state, move |socket| session.run(socket)).unwrap_or_else(IntoResponse::into_response)
        }
        Err(refused) => refused.into_response(),
    }
}
