//! What both sockets share: reading a client frame within the limits, sending with a deadline,
//! keeping the connection alive and closing with a reason.

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use poem::web::websocket::{CloseCode, Message, WebSocketConfig, WebSocketStream};
use std::task::Poll;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A send that takes longer than this means a dead or stuck client.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing client has to answer our close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Client frames are small and rare, so the read buffer starts at 4 KiB (tungstenite allocates
/// 128 KiB per connection by default, which made an idle connection cost ~150 KiB); it grows for
/// a larger frame up to the limit. Every send is flushed at once, so no write buffering either.
pub fn protocol_config(max_message_bytes: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(max_message_bytes))
        .max_frame_size(Some(max_message_bytes))
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
    /// Client frames, read by a task of their own: a delivery wakes only the session, which
    /// then never polls (and zeroes the read buffer of) an idle socket.
    inbox: mpsc::Receiver<Input>,
    reader: JoinHandle<()>,
    ping: tokio::time::Interval,
}

impl Socket {
    pub fn new(socket: WebSocketStream, config: &crate::chat::ChatConfig) -> Self {
        let (sink, stream) = socket.split();
        let mut ping = tokio::time::interval(config.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let (tx, inbox) = mpsc::channel(4);
        let reader = tokio::spawn(read_frames(stream, tx, config.max_frame_bytes, config.idle_timeout));
        Self { sink, inbox, reader, ping }
    }

    /// The next client frame. Between frames it pings the client; the reader gives up on one
    /// that has been silent past the idle timeout.
    pub async fn recv(&mut self) -> Input {
        loop {
            tokio::select! {
                input = self.inbox.recv() => return input.unwrap_or(Input::Close(None)),
                _ = self.ping.tick() => {
                    if self.send(Message::ping(Vec::new())).await.is_err() {
                        return Input::Close(None);
                    }
                }
            }
        }
    }

    /// Sends a frame; an error means the client is gone or too slow to take it.
    pub async fn send(&mut self, message: Message) -> Result<(), ()> {
        let mut send = self.sink.send(message);
        // Most sends complete at once (the socket buffer has room): no timer for those.
        if let Poll::Ready(sent) = futures_util::poll!(&mut send) {
            return sent.map_err(drop);
        }
        match tokio::time::timeout(SEND_TIMEOUT, send).await {
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
                while let Some(input) = self.inbox.recv().await {
                    if matches!(input, Input::Close(_)) {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, answered).await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), self.sink.close()).await;
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Reads client frames until the client goes, sends a frame over the limit, or is silent past
/// `idle_timeout` (pings go out more often, so a live client always answers within it).
async fn read_frames(
    mut stream: SplitStream<WebSocketStream>,
    inbox: mpsc::Sender<Input>,
    max_frame_bytes: usize,
    idle_timeout: Duration,
) {
    loop {
        let input = match tokio::time::timeout(idle_timeout, stream.next()).await {
            Err(_) => Input::Close(Some((CloseCode::Away, "no answer to pings".into()))),
            Ok(frame) => read(frame, max_frame_bytes),
        };
        if matches!(input, Input::Nothing) {
            continue;
        }
        let closing = matches!(input, Input::Close(_));
        if inbox.send(input).await.is_err() || closing {
            return;
        }
    }
}

fn read(frame: Option<std::io::Result<Message>>, max_frame_bytes: usize) -> Input {
    let too_big = || Input::Close(Some((CloseCode::Size, "frame too large".to_string())));
    match frame {
        None | Some(Ok(Message::Close(_))) => Input::Close(None),
        // Past the protocol's hard limit the frame is not even read.
        Some(Err(e)) if e.to_string().contains("too long") => too_big(),
        Some(Err(_)) => Input::Close(None),
        Some(Ok(Message::Text(text))) if text.len() > max_frame_bytes => too_big(),
        Some(Ok(Message::Binary(data))) if data.len() > max_frame_bytes => too_big(),
        Some(Ok(Message::Text(text))) => Input::Text(text),
        Some(Ok(_)) => Input::Nothing,
    }
}
