//! What both sockets share: reading a client frame within the limits, sending with a deadline,
//! keeping the connection alive and closing with a reason.

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use poem::web::websocket::{CloseCode, Message, WebSocketConfig, WebSocketStream};
use std::time::Duration;
use tokio::time::Instant;

/// A send that takes longer than this means a dead or stuck client.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing client has to answer our close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

pub fn protocol_config(max_message_bytes: usize) -> WebSocketConfig {
    WebSocketConfig::default().max_message_size(Some(max_message_bytes)).max_frame_size(Some(max_message_bytes))
}

/// What a client frame asks of the session.
pub enum Input {
    Text(String),
    /// Pings, pongs, binary frames: nothing to do beyond noting the client is alive.
    Nothing,
    /// The client is gone, or must go (a frame over the limit).
    Close(Option<(CloseCode, String)>),
}

pub struct Socket {
    sink: SplitSink<WebSocketStream, Message>,
    stream: SplitStream<WebSocketStream>,
    max_frame_bytes: usize,
    idle_timeout: Duration,
    heard: Instant,
    ping: tokio::time::Interval,
}

impl Socket {
    pub fn new(socket: WebSocketStream, config: &crate::chat::ChatConfig) -> Self {
        let (sink, stream) = socket.split();
        let mut ping = tokio::time::interval(config.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self {
            sink,
            stream,
            max_frame_bytes: config.max_frame_bytes,
            idle_timeout: config.idle_timeout,
            heard: Instant::now(),
            ping,
        }
    }

    /// The next client frame. Between frames it pings the client, and gives up on one that has
    /// been silent past the idle timeout.
    pub async fn recv(&mut self) -> Input {
        loop {
            tokio::select! {
                frame = self.stream.next() => return self.read(frame),
                _ = self.ping.tick() => {
                    if self.heard.elapsed() > self.idle_timeout {
                        return Input::Close(Some((CloseCode::Away, "no answer to pings".into())));
                    }
                    if self.send(Message::ping(Vec::new())).await.is_err() {
                        return Input::Close(None);
                    }
                }
            }
        }
    }

    fn read(&mut self, frame: Option<std::io::Result<Message>>) -> Input {
        self.heard = Instant::now();
        let too_big = || Input::Close(Some((CloseCode::Size, "frame too large".to_string())));
        match frame {
            None | Some(Ok(Message::Close(_))) => Input::Close(None),
            // Past the protocol's hard limit the frame is not even read.
            Some(Err(e)) if e.to_string().contains("too long") => too_big(),
            Some(Err(_)) => Input::Close(None),
            Some(Ok(Message::Text(text))) if text.len() > self.max_frame_bytes => too_big(),
            Some(Ok(Message::Binary(data))) if data.len() > self.max_frame_bytes => too_big(),
            Some(Ok(Message::Text(text))) => Input::Text(text),
            Some(Ok(_)) => Input::Nothing,
        }
    }

    /// Sends a frame; an error means the client is gone or too slow to take it.
    pub async fn send(&mut self, message: Message) -> Result<(), ()> {
        match tokio::time::timeout(SEND_TIMEOUT, self.sink.send(message)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    pub async fn send_text(&mut self, frame: String) -> Result<(), ()> {
        self.send(Message::Text(frame)).await
    }

    /// `{"type": "error", "code", "error"}` for a refused frame.
    pub async fn send_error(&mut self, code: &str, error: &str) -> Result<(), ()> {
        self.send_text(serde_json::json!({ "type": "error", "code": code, "error": error }).to_string()).await
    }

    /// Ends the session, telling the client why when there is a reason.
    pub async fn close(mut self, reason: Option<(CloseCode, String)>) {
        let frame = match reason {
            Some((code, text)) => Message::close_with(code, text),
            None => Message::close(),
        };
        if self.send(frame).await.is_ok() {
            // Wait for the client's answer: dropping the connection with its frames unread
            // would reset it, and the client could lose our close frame and its reason.
            let answered = async {
                while let Some(Ok(message)) = self.stream.next().await {
                    if message.is_close() {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, answered).await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), self.sink.close()).await;
    }
}
