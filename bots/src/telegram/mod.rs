//! The Telegram adapter (teloxide): updates in (long polling, or a webhook the API process
//! serves), [`Answer`](crate::runtime::Answer)s out through the shared limiter.
//!
//! Updates of one chat are handled in order and different chats concurrently
//! ([`ChatQueues`]); whatever answers them implements [`Handler`] (the conversation engine).

mod chats;
mod markup;
mod menu;
mod polling;
mod transport;
mod update;
pub mod webhook;

pub use chats::ChatQueues;
pub use markup::reply_markup;
pub use menu::offer_cabinet;
pub use polling::run_polling;
pub use transport::TelegramTransport;
pub use update::incoming;

pub use crate::runtime::Handler;

/// A teloxide bot whose requests go to `{api_url}/bot{token}/{method}` (Telegram itself, a
/// self-hosted Bot API server, or the local fake).
pub fn bot(token: &str, api_url: &str) -> Result<teloxide::Bot, String> {
    let url = reqwest::Url::parse(api_url).map_err(|e| format!("TELEGRAM_API_URL '{api_url}': {e}"))?;
    if url.cannot_be_a_base() {
        return Err(format!("TELEGRAM_API_URL '{api_url}' is not an http(s) base URL"));
    }
    // Long polling holds a request for LONG_POLL seconds: the client's timeout must exceed it.
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(polling::LONG_POLL + std::time::Duration::from_secs(15))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    Ok(teloxide::Bot::with_client(token, client).set_api_url(url))
}
