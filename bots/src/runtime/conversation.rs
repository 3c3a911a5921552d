//! The conversation engine: one [`Incoming`] in, one [`Answer`] out, for any platform. It
//! recognises the person, keeps their dialogue in Redis, serialises each chat's updates, and
//! answers from the `workflows` use cases. It never panics and never stays silent in a private
//! chat: whatever fails becomes a short hint.

use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;
use redis::aio::ConnectionManager;
use sqlx::PgPool;
use workflows::DomainError;
use workflows::bank::Bank;
use workflows::payments::PayInto;

use super::locks::{ChatLocks, RedisLock};
use super::session::SessionStore;
use super::turn::{Failure, Turn, failure_text};
use super::{Answer, CallbackAck, ChatKind, Event, Incoming, Platform, dispatch};
use crate::dialog::Input;
use crate::lang::Lang;
use crate::reply::Reply;
use crate::texts::{common, screens};

/// How a conversation is set up; [`ConversationSettings::new`] fills the usual defaults.
#[derive(Clone)]
pub struct ConversationSettings {
    /// The queue namespace ("groupbuy"): dialogue keys are `{namespace}:bot:dialog:…`.
    pub namespace: String,
    /// How long an untouched dialogue is kept.
    pub dialogue_ttl: Duration,
    /// The public web base ("http://127.0.0.1:8000"); login links are `{web_base}/login?code=…`.
    pub web_base: String,
    /// Where deposits are paid (as the API's).
    pub pay_into: PayInto,
    /// The bank, for SBP QR codes; without it deposits are offered by transfer only.
    pub bank: Option<Arc<dyn Bank>>,
    /// The platform's time zone: "today" for typed deadlines, whose end of day is the deadline.
    pub utc_offset: FixedOffset,
    /// How long another process may hold a chat before this one answers "busy".
    pub chat_wait: Duration,
    /// How long a chat's Redis lock lives if its holder dies.
    pub chat_lock_ttl: Duration,
}

pub const DEFAULT_DIALOGUE_TTL: Duration = Duration::from_secs(24 * 3600);

impl ConversationSettings {
    pub fn new(namespace: impl Into<String>, web_base: impl Into<String>, pay_into: PayInto) -> Self {
        ConversationSettings {
            namespace: namespace.into(),
            dialogue_ttl: DEFAULT_DIALOGUE_TTL,
            web_base: web_base.into().trim_end_matches('/').to_string(),
            pay_into,
            bank: None,
            // Moscow: the product's people are in Russia, most of them in this zone
            utc_offset: FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap()),
            chat_wait: Duration::from_secs(10),
            chat_lock_ttl: Duration::from_secs(30),
        }
    }
}

pub struct Inner {
    pub pool: PgPool,
    pub redis: ConnectionManager,
    pub settings: ConversationSettings,
    pub sessions: SessionStore,
    locks: ChatLocks,
}

/// The engine; cheap to clone, shared by every update handler of a bot process.
#[derive(Clone)]
pub struct Conversation {
    inner: Arc<Inner>,
}

impl Conversation {
    pub fn new(pool: PgPool, redis: ConnectionManager, settings: ConversationSettings) -> Self {
        let sessions = SessionStore::new(redis.clone(), settings.namespace.clone(), settings.dialogue_ttl);
        Conversation { inner: Arc::new(Inner { pool, redis, settings, sessions, locks: ChatLocks::default() }) }
    }

    /// Answers one update. Updates of one chat are answered one at a time in arrival order
    /// (across processes too); a channel post gets an empty answer.
    pub async fn handle(&self, incoming: Incoming) -> Answer {
        if incoming.chat_kind == ChatKind::Channel {
            return Answer::default();
        }
        let inner = &*self.inner;
        let chat = format!("{}:bot:lock:{}:{}", inner.settings.namespace, incoming.platform.as_str(), incoming.chat_id);
        let _queued = inner.locks.lock(&chat).await;
        let fallback_lang = Lang::from_code(incoming.from.language_code.as_deref());
        let lock = RedisLock::acquire(&inner.redis, chat, inner.settings.chat_lock_ttl, inner.settings.chat_wait).await;
        match lock {
            Ok(Some(lock)) => {
                let answer = self.answer(&incoming, fallback_lang).await;
                lock.release().await;
                answer
            }
            Ok(None) => hint(&incoming, screens::busy(fallback_lang)),
            Err(e) => {
                tracing::warn!(error = %e, "bot chat lock unavailable");
                hint(&incoming, common::try_again_later(fallback_lang))
            }
        }
    }

    async fn answer(&self, incoming: &Incoming, fallback_lang: Lang) -> Answer {
        let inner = &*self.inner;
        let key = inner.sessions.key(incoming.platform, incoming.chat_id, &incoming.from.platform_user_id);
        let mut turn = match self.begin(incoming, fallback_lang).await {
            Ok(turn) => turn,
            Err(failure) => {
                tracing::warn!(?failure, "bot update not started");
                return hint(incoming, &failure_text(&failure, fallback_lang));
            }
        };
        let handled = route(&mut turn, incoming).await;
        let saved = match &handled {
            // a failed update leaves the stored dialogue as it was, so the step can be retried
            Ok(()) => inner.sessions.save(&key, &turn.session).await.map_err(Failure::from),
            Err(_) => Ok(()),
        };
        let lang = turn.lang;
        match handled.and(saved) {
            Ok(()) => {
                let mut answer = Answer { ack: ack_of(incoming, turn.notice.take()), messages: turn.messages };
                if answer.messages.is_empty() && answer.ack.is_none() && incoming.chat_kind == ChatKind::Private {
                    answer = hint(incoming, common::unknown_input(lang));
                }
                answer
            }
            Err(failure) => {
                if let Failure::Broken(reason) = &failure {
                    tracing::warn!(reason, "bot update failed");
                }
                hint(incoming, &failure_text(&failure, lang))
            }
        }
    }

    /// Recognises the person and loads their session.
    async fn begin<'a>(&'a self, incoming: &'a Incoming, fallback_lang: Lang) -> Result<Turn<'a>, Failure> {
        let inner = &*self.inner;
        let mut conn = inner.pool.acquire().await?;
        let platform = domain_platform(incoming.platform);
        let user = match workflows::users::by_platform(&mut conn, platform, &incoming.from.platform_user_id).await {
            Ok(user) => Some(user),
            Err(DomainError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        drop(conn);
        let lang = match &user {
            Some(user) if !user.language_code.trim().is_empty() => Lang::from_code(Some(&user.language_code)),
            _ => fallback_lang,
        };
        let key = inner.sessions.key(incoming.platform, incoming.chat_id, &incoming.from.platform_user_id);
        let session = inner.sessions.load(&key).await?;
        let pressed_message = match &incoming.event {
            Event::Callback { message_id, .. } => *message_id,
            Event::Text(_) => None,
        };
        Ok(Turn {
            inner,
            platform: incoming.platform,
            chat_id: incoming.chat_id,
            person: &incoming.from,
            user,
            lang,
            session,
            pressed_message,
            messages: Vec::new(),
            notice: None,
        })
    }
}

/// Feeds the update to the dialogue in progress, or runs it as a command or button.
async fn route(turn: &mut Turn<'_>, incoming: &Incoming) -> Result<(), Failure> {
    let input = match &incoming.event {
        Event::Text(text) => Input::Text(text.clone()),
        Event::Callback { data, .. } => match data.parse() {
            Ok(callback) => Input::Callback(callback),
            Err(_) => {
                turn.notice = Some(common::stale_button(turn.lang).to_string());
                turn.say(Reply::text(common::stale_button(turn.lang)));
                return Ok(());
            }
        },
    };
    // In a group only commands (and the dialogue they started) are ours: people talk there.
    if incoming.chat_kind == ChatKind::Group
        && let Input::Text(text) = &input
        && turn.session.dialog.is_none()
        && crate::command::Command::parse(text).is_none()
    {
        return Ok(());
    }
    dispatch::input(turn, input).await
}

fn ack_of(incoming: &Incoming, notice: Option<String>) -> Option<CallbackAck> {
    match &incoming.event {
        Event::Callback { query_id, .. } => Some(CallbackAck {
            query_id: query_id.clone(),
            chat_id: incoming.chat_id,
            platform_user_id: incoming.from.platform_user_id.clone(),
            notice,
        }),
        Event::Text(_) => None,
    }
}

/// A one-message answer (with the button acknowledged, if one was pressed).
fn hint(incoming: &Incoming, text: &str) -> Answer {
    if incoming.chat_kind == ChatKind::Group && matches!(incoming.event, Event::Text(_)) {
        // a group's chatter is not ours to answer, but a command deserves one
        let is_command = matches!(&incoming.event, Event::Text(t) if crate::command::Command::parse(t).is_some());
        if !is_command {
            return Answer::default();
        }
    }
    Answer {
        ack: ack_of(incoming, None),
        messages: vec![super::Outgoing { chat_id: incoming.chat_id, reply: Reply::text(text), edit_message_id: None }],
    }
}

pub fn domain_platform(platform: Platform) -> workflows::users::Platform {
    match platform {
        Platform::Telegram => workflows::users::Platform::Telegram,
        Platform::Vk => workflows::users::Platform::Vk,
    }
}
