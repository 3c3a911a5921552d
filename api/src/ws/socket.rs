//! What both sockets share: reading a client frame within the limits, sending with a deadline,
//! keeping the connection alive and closing with a reason.

use super::upgrade::Stream;
use futures_util::{SinkExt, StreamExt};
use std::borrow::Cow;
use std::task::Poll;
use std::time::{Duration, Instant};
pub use tokio_tungstenite::tungstenite::Utf8Bytes;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error};
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
pub use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{Message, WebSocketConfig};

/// A send that takes longer than this means a dead or stuck client.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing client has to answer our close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes read from a socket at a time: a chat frame or two.
const READ_BUFFER: usize = 512;

/// Client frames are small and rare, so the read buffer starts at 512 bytes (tungstenite
/// allocates 128 KiB per connection by default, which made an idle connection cost ~150 KiB, and
/// zeroes the buffer's spare room on every read attempt); it grows for a larger frame up to the
/// limit. Every send is flushed at once, so no write buffering either.
pub fn protocol_config(max_message_bytes: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(Some(max_message_bytes))
        .max_frame_size(Some(max_message_bytes))
}

/// Why the server closes a socket, told to the client in the close frame.
pub type Reason = Option<(CloseCode, Cow<'static, str>)>;

/// What a client frame asks of the session.
pub enum Input {
    Text(Utf8Bytes),
    /// Pings, pongs, binary frames: nothing to do beyond noting the client is alive.
    Nothing,
    /// The client is gone, or must go (a frame over the limit).
    Close(Reason),
}

pub struct Socket {
    /// One task serves the socket, reading and writing: a connection costs one task and no
    /// channel. Polling an idle read side is cheap because its buffer is small (see above).
    stream: Stream,
    ping: tokio::time::Interval,
    /// When the client last sent anything (a pong included).
    heard: Instant,
    idle_timeout: Duration,
    max_frame_bytes: usize,
}

impl Socket {
    pub fn new(stream: Stream, config: &crate::chat::ChatConfig) -> Self {
        let mut ping = tokio::time::interval(config.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self {
            stream,
            ping,
            heard: Instant::now(),
            idle_timeout: config.idle_timeout,
            max_frame_bytes: config.max_frame_bytes,
        }
    }

    /// The next client frame. Between frames it pings the client, and gives up on one that has
    /// been silent past the idle timeout (pings go out more often, so a live client always
    /// answers within it). Cancel-safe: a frame half read stays buffered for the next call.
    pub async fn recv(&mut self) -> Input {
        loop {
            tokio::select! {
                frame = self.stream.next() => {
                    self.heard = Instant::now();
                    match read(frame, self.max_frame_bytes) {
                        Input::Nothing => {}
                        input => return input,
                    }
                }
                _ = self.ping.tick() => {
                    if self.heard.elapsed() > self.idle_timeout {
                        return Input::Close(Some((CloseCode::Away, "no answer to pings".into())));
                    }
                    // Boxed, as every rare step: an idle session's task stays small.
                    if Box::pin(self.send(Message::Ping(Default::default()))).await.is_err() {
                        return Input::Close(None);
                    }
                }
            }
        }
    }

    /// Sends a frame; an error means the client is gone or too slow to take it.
    pub async fn send(&mut self, message: Message) -> Result<(), ()> {
        let mut send = self.stream.send(message);
        // Most sends complete at once (the socket buffer has room): no timer for those.
        if let Poll::Ready(sent) = futures_util::poll!(&mut send) {
            return sent.map_err(drop);
        }
        // Boxed: the timer is needed only on this slow path, and every idle session's task
        // would otherwise carry room for it.
        match Box::pin(tokio::time::timeout(SEND_TIMEOUT, send)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    /// Sends a text frame; a shared frame (`Utf8Bytes`) is sent to many sockets without a copy.
    pub async fn send_text(&mut self, frame: impl Into<Utf8Bytes>) -> Result<(), ()> {
        self.send(Message::Text(frame.into())).await
    }

    /// `{"type": "error", "code", "error"}` for a refused frame.
    pub async fn send_error(&mut self, code: &str, error: &str) -> Result<(), ()> {
        self.send_text(serde_json::json!({ "type": "error", "code": code, "error": error }).to_string()).await
    }

    /// Ends the session, telling the client why when there is a reason.
    pub async fn close(mut self, reason: Reason) {
        let frame = Message::Close(reason.map(|(code, text)| CloseFrame { code, reason: text.into_owned().into() }));
        if self.send(frame).await.is_ok() {
            // Wait for the client's answer: dropping the connection with its frames unread
            // would reset it, and the client could lose our close frame and its reason.
            let answered = async {
                while let Some(Ok(frame)) = self.stream.next().await {
                    if matches!(frame, Message::Close(_)) {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, answered).await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), self.stream.close(None)).await;
    }
}

fn read(frame: Option<Result<Message, Error>>, max_frame_bytes: usize) -> Input {
    let too_big = || Input::Close(Some((CloseCode::Size, "frame too large".into())));
    match frame {
        None | Some(Ok(Message::Close(_))) => Input::Close(None),
        // Past the protocol's hard limit the frame is not even read.
        Some(Err(Error::Capacity(CapacityError::MessageTooLong { .. }))) => too_big(),
        Some(Err(_)) => Input::Close(None),
        Some(Ok(Message::Text(text))) if text.len() > max_frame_bytes => too_big(),
        Some(Ok(Message::Binary(data))) if data.len() > max_frame_bytes => too_big(),
        Some(Ok(Message::Text(text))) => Input::Text(text),
        Some(Ok(_)) => Input::Nothing,
    }
}
