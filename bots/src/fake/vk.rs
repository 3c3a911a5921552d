//! A fake VK API: a real HTTP server speaking VK's wire shapes, for tests and for trying the VK
//! bot without a community token (`groupbuy all` starts it when `VK_TOKEN` is unset).
//!
//! | route | what |
//! | --- | --- |
//! | `GET or POST /method/{name}` | `groups.getLongPollServer`, `messages.send`, `messages.edit`, `messages.sendMessageEventAnswer`, `users.get`; parameters in the query or a form body; `{"response":…}` or `{"error":{"error_code","error_msg"}}` |
//! | `GET /lp?act=a_check&key=…&ts=…&wait=…` | Bots Long Poll |
//! | `POST /fake/message` | `{"from_id":42,"text":"/start"}` (`peer_id`, `payload`, `lang_id`, `first_name`, `last_name` optional): a person writes |
//! | `POST /fake/press` | `{"user_id":42,"label":"Join"}` (`peer_id` optional): presses the button with that label on the bot's latest message carrying it |
//! | `GET /fake/sent` | what the bot sent (`?peer_id=` to filter), keyboards parsed, with each message's edits |
//! | `GET /fake/event_answers` | the bot's `sendMessageEventAnswer` calls |
//! | `POST /fake/long_poll/fail` | `{"failed":1\|2\|3}`: the next `a_check` answers that failure (2 also expires the key) |
//! | `GET /fake/long_poll` | `{key, ts, checks, servers_given, pending_failure}` |
//! | `POST /fake/faults` | `{"method":"messages.send","error_code":6,"times":1}`: the next calls of a method fail |
//! | `PUT or POST /fake/callback` | `{"url":…,"secret":…}`: from now on events are also POSTed there, as the Callback API does |
//! | `POST /fake/callback/confirmation` | sends a `confirmation` event; answers `{status, body}` of the server's reply |
//! | `POST /fake/callback/resend` | `{"event_id":…}` sends an event again, as VK's retry does (`X-Retry-Counter`) |
//!
//! Like VK, it does not send a message twice to one peer with the same `random_id` within an
//! hour (the first message's ids are answered again). Unlike VK, it takes any access token
//! (a missing one is error 5), keeps everything in memory and never loses history on its own.

mod control;
mod long_poll;
mod methods;
mod world;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poem::{Endpoint, EndpointExt, Route, get, post};
use tokio::sync::watch;

use super::server;
pub use world::SentMessage;
use world::World;

/// The community the fake serves unless told otherwise.
pub const FAKE_GROUP_ID: i64 = 1;

/// Where `groupbuy all` starts the fake by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8082";

/// The fake's state, shared by its handlers.
#[derive(Clone)]
pub struct FakeVk {
    world: Arc<Mutex<World>>,
    /// The number of events so far, which waiting long-poll requests watch.
    events: watch::Sender<usize>,
    /// Bumped when a test injects a long-poll failure, so a waiting request answers it at once.
    failures: watch::Sender<u64>,
    http: reqwest::Client,
}

impl FakeVk {
    pub fn new(group_id: i64) -> Self {
        FakeVk {
            world: Arc::new(Mutex::new(World::new(group_id))),
            events: watch::Sender::new(0),
            failures: watch::Sender::new(0),
            http: reqwest::Client::new(),
        }
    }

    fn world(&self) -> MutexGuard<'_, World> {
        // A handler that panicked mid-change leaves test data; the fake keeps serving it.
        self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything the bot sent, in order.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.world().messages.clone()
    }
}

/// The fake's routes (see the module docs).
pub fn app(fake: FakeVk) -> impl Endpoint {
    Route::new()
        .at("/method/:name", get(methods::method).post(methods::method))
        .at("/lp", get(long_poll::check))
        .at("/fake/message", post(control::person_writes))
        .at("/fake/press", post(control::press))
        .at("/fake/sent", get(control::sent))
        .at("/fake/event_answers", get(control::event_answers))
        .at("/fake/long_poll/fail", post(control::fail))
        .at("/fake/long_poll", get(control::long_poll_state))
        .at("/fake/faults", post(control::fault))
        .at("/fake/callback", poem::put(control::set_callback).post(control::set_callback))
        .at("/fake/callback/confirmation", post(control::confirm_callback))
        .at("/fake/callback/resend", post(control::resend))
        .data(fake)
}

/// A running fake; call [`FakeVkServer::shutdown`] to stop it.
pub struct FakeVkServer {
    listening: server::Listening,
    fake: FakeVk,
}

impl FakeVkServer {
    /// `http://host:port`
    pub fn url(&self) -> String {
        self.listening.url()
    }

    /// What `VK_API_URL` should be to use this fake.
    pub fn api_url(&self) -> String {
        format!("{}/method", self.url())
    }

    pub fn fake(&self) -> &FakeVk {
        &self.fake
    }

    pub async fn shutdown(self) {
        self.listening.shutdown().await
    }
}

/// Serves a fake VK for community [`FAKE_GROUP_ID`] on `addr` (`127.0.0.1:0` picks a port).
pub async fn serve(addr: &str) -> std::io::Result<FakeVkServer> {
    serve_group(addr, FAKE_GROUP_ID).await
}

pub async fn serve_group(addr: &str, group_id: i64) -> std::io::Result<FakeVkServer> {
    let (acceptor, addr) = server::bind(addr, "fake VK API").await?;
    let fake = FakeVk::new(group_id);
    fake.world().public_url = format!("http://{addr}");
    // Long-poll requests wait up to 25 s; a stopping fake does not wait for them.
    let listening = server::Listening::start(acceptor, addr, app(fake.clone()), Duration::from_millis(500));
    Ok(FakeVkServer { listening, fake })
}
