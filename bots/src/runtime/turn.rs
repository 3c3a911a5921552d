//! One update being answered: who asked, in which chat and language, their session, and the
//! messages collected so far. Every screen handler takes a `Turn` and adds to its answer.

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;
use workflows::users::User;
use workflows::{Actor, DomainError};

use super::conversation::Inner;
use super::session::Session;
use super::{Outgoing, Person, Platform};
use crate::dialog::Ctx;
use crate::keyboard::{self, Keyboard};
use crate::lang::Lang;
use crate::model::Role;
use crate::reply::Reply;
use crate::texts::{common, screens};

/// Why a handler could not finish. Refusals are the person's to hear; breakage is ours.
#[derive(Debug)]
pub enum Failure {
    /// The person has no account yet.
    NotRegistered,
    /// The domain said no (not found, not allowed, wrong moment, bad value).
    Refused(DomainError),
    /// The database, Redis or the bank failed; trying later may work.
    Broken(String),
}

impl From<DomainError> for Failure {
    fn from(e: DomainError) -> Self {
        if e.is_retryable() { Failure::Broken(e.to_string()) } else { Failure::Refused(e) }
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::Broken(e.to_string())
    }
}

impl From<redis::RedisError> for Failure {
    fn from(e: redis::RedisError) -> Self {
        Failure::Broken(e.to_string())
    }
}

pub type Handled = Result<(), Failure>;

/// The short answer to a failure; the update itself changed nothing.
pub fn failure_text(failure: &Failure, lang: Lang) -> String {
    match failure {
        Failure::NotRegistered => common::not_registered(lang).to_string(),
        Failure::Broken(_) => common::try_again_later(lang).to_string(),
        Failure::Refused(e) => match e {
            DomainError::NotFound { .. } => screens::not_found(lang).to_string(),
            DomainError::Forbidden { .. } => screens::forbidden(lang).to_string(),
            DomainError::InsufficientFunds { .. } => screens::insufficient_funds(lang).to_string(),
            other => screens::refused(&other.to_string(), lang),
        },
    }
}

pub struct Turn<'a> {
    pub inner: &'a Inner,
    pub platform: Platform,
    pub chat_id: i64,
    pub person: &'a Person,
    pub user: Option<User>,
    pub lang: Lang,
    pub session: Session,
    /// The message whose button was pressed: a refreshed screen replaces it.
    pub pressed_message: Option<i64>,
    pub messages: Vec<Outgoing>,
    pub notice: Option<String>,
}

impl Turn<'_> {
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// After a procurement or an order changed: the API's cache of the catalogue stops serving
    /// answers from before it.
    pub async fn catalogue_changed(&self) {
        workflows::catalogue_version::bump(&self.inner.redis, &self.inner.settings.namespace).await;
    }

    /// Sends a new message.
    pub fn say(&mut self, reply: Reply) {
        self.messages.push(Outgoing { chat_id: self.chat_id, reply, edit_message_id: None });
    }

    /// Replaces the message whose button was pressed (a screen refreshed in place), or sends one.
    pub fn replace(&mut self, reply: Reply) {
        self.messages.push(Outgoing { chat_id: self.chat_id, reply, edit_message_id: self.pressed_message });
    }

    /// A screen: in place of the pressed message when it is a refresh, else as a new one.
    pub fn show(&mut self, reply: Reply, refresh: bool) {
        if refresh { self.replace(reply) } else { self.say(reply) }
    }

    /// A text with the person's main menu under it (or none before registration).
    pub fn say_with_menu(&mut self, text: impl Into<String>) {
        let reply = match self.menu() {
            Some(menu) => Reply::with_keyboard(text, menu),
            None => Reply::text(text),
        };
        self.say(reply);
    }

    pub fn menu(&self) -> Option<Keyboard> {
        self.user.as_ref().map(|u| keyboard::main_menu(role_of(u), self.lang))
    }

    pub fn user(&self) -> Result<&User, Failure> {
        self.user.as_ref().ok_or(Failure::NotRegistered)
    }

    pub fn user_id(&self) -> Result<i64, Failure> {
        self.user().map(|u| u.id)
    }

    /// The person acting for themselves.
    pub fn actor(&self) -> Result<Actor, Failure> {
        self.user_id().map(Actor::User)
    }

    /// Today in the platform's time zone, for deadlines typed as dates.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.inner.settings.utc_offset).date_naive()
    }

    pub fn dialog_ctx(&self) -> Ctx {
        Ctx { lang: self.lang, today: self.today() }
    }
}

/// The core's role for a user's role.
pub fn role_of(user: &User) -> Role {
    Role::from_str_opt(&user.role.to_string()).unwrap_or_default()
}

/// The domain's role for the core's.
pub fn domain_role(role: Role) -> workflows::users::Role {
    match role {
        Role::Buyer => workflows::users::Role::Buyer,
        Role::Organizer => workflows::users::Role::Organizer,
        Role::Supplier => workflows::users::Role::Supplier,
    }
}
