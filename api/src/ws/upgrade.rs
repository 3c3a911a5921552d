//! The WebSocket handshake (RFC 6455 §4.2), done here rather than by poem's extractor because
//! that one keeps the request's `Sec-WebSocket-Key` header in the socket's task for the life of
//! the connection, and the header's bytes are a slice of hyper's 8 KiB read buffer. Here only
//! the derived accept key (a short string) outlives the 101 answer, and the task holds the
//! stream and the session alone.

use crate::error::ApiError;
use poem::Request;
use poem::http::{HeaderMap, Method, StatusCode, header};
use std::future::Future;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// The socket a session is served on.
pub type Stream = WebSocketStream<poem::Upgraded>;

/// A request that asked for a WebSocket, checked and ready to be switched.
pub struct Handshake {
    accept: String,
    upgrade: poem::OnUpgrade,
}

impl Handshake {
    /// Checks that `req` is a WebSocket handshake; anything else gets a 400 saying what is wrong.
    pub fn of(req: &Request) -> Result<Self, ApiError> {
        let headers = req.headers();
        let refuse =
            |what: &str| ApiError::bad_request(format!("a WebSocket upgrade is expected here: {what}"), "bad_request");
        if req.method() != Method::GET {
            return Err(refuse("the handshake is a GET"));
        }
        if !has_token(headers, header::UPGRADE, "websocket") {
            return Err(refuse("Upgrade: websocket is missing"));
        }
        if !has_token(headers, header::CONNECTION, "upgrade") {
            return Err(refuse("Connection: Upgrade is missing"));
        }
        if headers.get(header::SEC_WEBSOCKET_VERSION).is_none_or(|v| v.as_bytes() != b"13") {
            return Err(refuse("Sec-WebSocket-Version must be 13"));
        }
        let key = headers.get(header::SEC_WEBSOCKET_KEY).ok_or_else(|| refuse("Sec-WebSocket-Key is missing"))?;
        let accept = derive_accept_key(key.as_bytes());
        let upgrade = req.take_upgrade().map_err(|_| refuse("this connection cannot be upgraded"))?;
        Ok(Self { accept, upgrade })
    }

    /// The 101 answer; once it is sent, `run` serves the socket on a task of its own.
    pub fn accept<F, Fut>(self, config: WebSocketConfig, run: F) -> poem::Response
    where
        F: FnOnce(Stream) -> Fut + Send + 'static,
        Fut: Future + Send + 'static,
    {
        let Self { accept, upgrade } = self;
        tokio::spawn(async move {
            if let Ok(upgraded) = upgrade.await {
                let stream = WebSocketStream::from_raw_socket(upgraded, Role::Server, Some(config)).await;
                run(stream).await;
            }
        });
        poem::Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_ACCEPT, accept)
            .finish()
    }
}

/// Whether a comma-separated header lists `token` (case-insensitively), as `Connection:
/// keep-alive, Upgrade` does.
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}
