//! The bot playground: a page under the API (`/bot-playground/`) where a person, as a buyer or
//! as an organizer, writes to the bot through the local fake Telegram and sees its replies and
//! buttons. It talks to the in-process fake directly (no token, no Telegram).

use poem::http::StatusCode;
use poem::web::{Data, Html, Json, Query};
use poem::{Endpoint, EndpointExt, IntoResponse, Response, Route, get, handler, post};
use serde::Deserialize;
use serde_json::json;

use crate::fake::telegram::{FakeTelegram, FakeUser, UserAction};

const PAGE: &str = include_str!("page.html");

/// Who the person at the page plays; each has a private chat with the bot.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Identity {
    Buyer,
    Organizer,
}

impl Identity {
    /// The fake Telegram user (and private chat) of this identity.
    pub fn user(self, language_code: Option<String>) -> FakeUser {
        let (id, first_name, username) = match self {
            Identity::Buyer => (710_001, "Анна", "playground_buyer"),
            Identity::Organizer => (710_002, "Иван", "playground_organizer"),
        };
        FakeUser {
            id,
            first_name: first_name.into(),
            last_name: Some("Playground".into()),
            username: Some(username.into()),
            language_code,
        }
    }
}

/// `GET /` the page; `POST /say`, `POST /press`, `GET /messages?identity=` its calls.
pub fn endpoint(fake: FakeTelegram) -> impl Endpoint + 'static {
    Route::new()
        .at("/", get(page))
        .at("/say", post(say))
        .at("/press", post(press))
        .at("/messages", get(messages))
        .data(fake)
}

#[handler]
fn page() -> Html<&'static str> {
    Html(PAGE)
}

#[derive(Deserialize)]
struct Said {
    identity: Identity,
    #[serde(default)]
    language_code: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    callback_data: Option<String>,
    #[serde(default)]
    message_id: Option<i64>,
}

fn act(fake: &FakeTelegram, said: Said) -> Response {
    let action = UserAction {
        from: said.identity.user(said.language_code),
        chat_id: None,
        chat_type: None,
        chat_title: None,
        text: said.text.filter(|t| !t.trim().is_empty()),
        callback_data: said.callback_data,
        message_id: said.message_id,
    };
    match fake.inject(&action) {
        Ok(injected) => Json(injected).into_response(),
        Err(e) => Json(json!({"error": e})).with_status(StatusCode::BAD_REQUEST).into_response(),
    }
}

#[handler]
fn say(Json(said): Json<Said>, Data(fake): Data<&FakeTelegram>) -> Response {
    if said.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Json(json!({"error": "type something first"})).with_status(StatusCode::BAD_REQUEST).into_response();
    }
    act(fake, Said { callback_data: None, ..said })
}

#[handler]
fn press(Json(said): Json<Said>, Data(fake): Data<&FakeTelegram>) -> Response {
    if said.callback_data.is_none() {
        return Json(json!({"error": "which button?"})).with_status(StatusCode::BAD_REQUEST).into_response();
    }
    act(fake, Said { text: None, ..said })
}

#[derive(Deserialize)]
struct Whose {
    identity: Identity,
}

#[handler]
fn messages(Query(whose): Query<Whose>, Data(fake): Data<&FakeTelegram>) -> Response {
    Json(fake.bot_messages(whose.identity.user(None).id)).into_response()
}
