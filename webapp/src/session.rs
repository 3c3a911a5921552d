//! The signed-in person's web session: a short access token and the refresh token that renews
//! it (`/api/auth/…`), kept in `localStorage` so a reload or a new tab stays signed in.
//!
//! Two ways in, neither with a password: the one-time code of a bot's login link
//! (`/login?code=…`), and Telegram's `initData` when the page is opened as a Mini App from the
//! bot's web-app button (Telegram puts it in the address's hash as `tgWebAppData`; the server
//! checks its signature and age).

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use web_kit::ApiError;

const STORAGE_KEY: &str = "groupbuy-session";
/// Fired on `window` when the session ends without the person asking (refresh refused).
pub const SIGNED_OUT_EVENT: &str = "groupbuy-signed-out";

/// `SessionOut` of the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user_id: i64,
    pub expires_at: String,
    pub refresh_token: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored session, which every request then carries.
pub fn stored() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

fn keep(session: Option<&Session>) {
    web_kit::http::set_bearer_token(session.map(|s| s.token.clone()));
    let Some(storage) = storage() else { return };
    let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(text) => storage.set_item(STORAGE_KEY, &text),
        None => storage.remove_item(STORAGE_KEY),
    };
}

/// Puts the stored session (if any) on every request; called once at start.
pub fn resume() -> Option<Session> {
    let session = stored();
    web_kit::http::set_bearer_token(session.as_ref().map(|s| s.token.clone()));
    session
}

#[derive(Serialize)]
struct Code<'a> {
    code: &'a str,
}

#[derive(Serialize)]
struct InitData<'a> {
    init_data: &'a str,
}

#[derive(Serialize)]
struct Refresh<'a> {
    refresh_token: &'a str,
}

/// Signs in with a login link's one-time code.
pub async fn sign_in_with_code(code: &str) -> Result<Session, ApiError> {
    let session: Session = web_kit::http::post("/api/auth/login-link/", &Code { code }).await?;
    keep(Some(&session));
    Ok(session)
}

/// Signs in with the Mini App's `initData`.
pub async fn sign_in_with_mini_app(init_data: &str) -> Result<Session, ApiError> {
    let session: Session = web_kit::http::post("/api/auth/telegram-webapp/", &InitData { init_data }).await?;
    keep(Some(&session));
    Ok(session)
}

/// `initData` when the page was opened as a Telegram Mini App (`#tgWebAppData=…`).
pub fn mini_app_init_data() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(hash.trim_start_matches('#')).ok()?;
    params.get("tgWebAppData").filter(|d| !d.is_empty())
}

thread_local! {
    static REFRESHING: Cell<bool> = const { Cell::new(false) };
}

/// After a 401 to a request sent with `token_used`: renews the session once, however many
/// requests were refused together (a refresh token works once; sending a used one again ends
/// the session). True when a fresh token is in place to retry with.
pub async fn renew_after_refusal(token_used: Option<&str>) -> bool {
    while REFRESHING.get() {
        gloo_timers::future::TimeoutFuture::new(25).await;
    }
    let Some(session) = stored() else { return false };
    if token_used != Some(session.token.as_str()) {
        // Another request renewed it meanwhile.
        return true;
    }
    REFRESHING.set(true);
    let renewed: Result<Session, ApiError> =
        web_kit::http::post("/api/auth/refresh/", &Refresh { refresh_token: &session.refresh_token }).await;
    REFRESHING.set(false);
    match renewed {
        Ok(fresh) => {
            keep(Some(&fresh));
            true
        }
        Err(e) if e.status == 401 => {
            keep(None);
            if let Some(window) = web_sys::window()
                && let Ok(event) = web_sys::Event::new(SIGNED_OUT_EVENT)
            {
                let _ = window.dispatch_event(&event);
            }
            false
        }
        // The server is unreachable: the session may still be good; keep it.
        Err(_) => false,
    }
}

/// Signs out on the server (its tokens stop working at once) and forgets the session here,
/// even when the server cannot be reached.
pub async fn sign_out() -> Result<(), ApiError> {
    let answer: Result<serde_json::Value, ApiError> =
        web_kit::http::post("/api/auth/logout/", &serde_json::json!({})).await;
    keep(None);
    answer.map(|_| ())
}
