//! What reaches the person: their notifications (and marking them read), their procurement
//! chats with unread counts, and the one-time login link into the web chat.

use std::collections::HashMap;

use chrono::Utc;
use redis::aio::ConnectionManager;
use workflows::page::PageRequest;
use workflows::{chat, notify, procurement};

use super::Platform;
use super::browse::visible;
use super::turn::{Handled, Turn};
use crate::callback::Callback;
use crate::keyboard::{Button, Keyboard};
use crate::lang::Lang;
use crate::reply::Reply;
use crate::texts::screens;

/// How many notifications /notifications lists.
const RECENT_NOTIFICATIONS: usize = 10;
/// How many chats get a button of their own.
const CHAT_BUTTONS: usize = 10;

/// Publishes a badge change where the person's open notification sockets listen (as the API does).
struct RedisBadges {
    redis: ConnectionManager,
    namespace: String,
}

#[async_trait::async_trait]
impl notify::Badges for RedisBadges {
    async fn changed(&self, user_id: i64) {
        let mut conn = self.redis.clone();
        let channel = notify::channel(&self.namespace, user_id);
        let sent: redis::RedisResult<i64> =
            redis::cmd("PUBLISH").arg(channel).arg(r#"{"type":"badge"}"#).query_async(&mut conn).await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, user_id, "badge change not published");
        }
    }
}

pub async fn notifications(turn: &mut Turn<'_>, replace: bool) -> Handled {
    let uid = turn.user_id()?;
    let page = notify::list(turn.pool(), Some(uid), false, PageRequest::new(None)).await?;
    let unread = notify::unread_count(turn.pool(), uid).await?;
    let lang = turn.lang;
    let text = if page.results.is_empty() {
        screens::no_notifications(lang).to_string()
    } else {
        let mut lines = vec![screens::notifications_header(unread, lang)];
        for n in page.results.iter().take(RECENT_NOTIFICATIONS) {
            let mark = if n.is_read { "▫️" } else { "🔹" };
            lines.push(format!("\n{mark} {}\n{}", n.delivery.title, n.delivery.message));
        }
        lines.join("\n")
    };
    let [mark_read, refresh] = screens::notification_labels(lang);
    let mut rows = Vec::new();
    if unread > 0 {
        rows.push(vec![Button::callback(mark_read, Callback::NotificationsMarkRead)]);
    }
    rows.push(vec![Button::callback(refresh, Callback::NotificationsAll)]);
    let reply = Reply::with_keyboard(text, Keyboard::inline(rows));
    turn.show(reply, replace);
    Ok(())
}

pub async fn mark_read(turn: &mut Turn<'_>) -> Handled {
    let badges = RedisBadges { redis: turn.inner.redis.clone(), namespace: turn.inner.settings.namespace.clone() };
    let marked = notify::mark_all_read(turn.pool(), &badges, turn.actor()?, turn.user_id()?).await?;
    turn.notice = Some(screens::marked_read(marked, turn.lang));
    notifications(turn, true).await
}

/// A fresh one-time link into the web cabinet for this person.
async fn login_link(turn: &Turn<'_>) -> Result<String, super::turn::Failure> {
    let code = workflows::users::issue_login_code(turn.pool(), turn.user_id()?, Utc::now()).await?;
    Ok(format!("{}/login?code={code}", turn.inner.settings.web_base))
}

/// Whether the cabinet can open as a Telegram Mini App: Telegram opens https web apps only.
pub fn mini_app_available(web_base: &str) -> bool {
    web_base.starts_with("https://")
}

/// The ways into the cabinet's page `path`: in Telegram with an https web base, a Mini App
/// button (Telegram signs the person in with its `initData`); always the one-time login link
/// (`link_label`) for a browser. VK has no Mini Apps and keeps the link only.
pub fn cabinet_buttons(
    platform: Platform,
    web_base: &str,
    path: &str,
    login_url: String,
    link_label: &str,
    lang: Lang,
) -> Vec<Vec<Button>> {
    let mut rows = Vec::new();
    if platform == Platform::Telegram && mini_app_available(web_base) {
        rows.push(vec![Button::web_app(screens::open_mini_app_label(lang), format!("{web_base}{path}"))]);
    }
    rows.push(vec![Button::url(link_label, login_url)]);
    rows
}

/// [`cabinet_buttons`] for this person, with a fresh login link.
pub async fn cabinet_rows(
    turn: &Turn<'_>,
    path: &str,
    link_label: &str,
) -> Result<Vec<Vec<Button>>, super::turn::Failure> {
    let link = login_link(turn).await?;
    Ok(cabinet_buttons(turn.platform, &turn.inner.settings.web_base, path, link, link_label, turn.lang))
}

/// /chat: the rooms the person belongs to, unread counts, and the login link.
pub async fn chats(turn: &mut Turn<'_>, replace: bool) -> Handled {
    let uid = turn.user_id()?;
    let mine = procurement::user_procurements(&mut *turn.pool().acquire().await?, uid).await?;
    let unread: HashMap<i64, i64> = chat::unread_counts(turn.pool(), turn.actor()?, uid)
        .await?
        .into_iter()
        .map(|room| (room.procurement_id, room.unread_count))
        .collect();
    let mut rooms: Vec<(i64, String)> = mine.organized.iter().map(|p| (p.id, p.title.clone())).collect();
    for (p, _, _) in &mine.participating {
        if !rooms.iter().any(|(id, _)| *id == p.id) {
            rooms.push((p.id, p.title.clone()));
        }
    }
    let lang = turn.lang;
    if rooms.is_empty() {
        turn.say_with_menu(screens::no_chats(lang));
        return Ok(());
    }
    let mut lines = vec![screens::chats_header(lang).to_string()];
    for (id, title) in &rooms {
        lines.push(screens::chat_line(title, unread.get(id).copied().unwrap_or(0), lang));
    }
    lines.push(String::new());
    lines.push(screens::login_link_note(lang).to_string());
    let mut rows: Vec<Vec<Button>> = rooms
        .iter()
        .take(CHAT_BUTTONS)
        .map(|(id, title)| vec![Button::callback(format!("💬 {title}"), Callback::EnterChat(*id))])
        .collect();
    rows.extend(cabinet_rows(turn, "/chats", screens::open_web_label(lang)).await?);
    let reply = Reply::with_keyboard(lines.join("\n"), Keyboard::inline(rows));
    turn.show(reply, replace);
    Ok(())
}

/// One room: its unread count and the login link (the messages themselves are read on the web).
pub async fn room(turn: &mut Turn<'_>, id: i64, replace: bool) -> Handled {
    let p = visible(turn, id).await?;
    let unread = chat::unread_count(turn.pool(), turn.actor()?, turn.user_id()?, id).await?;
    let lang = turn.lang;
    let mut rows = cabinet_rows(turn, &format!("/chats/{id}"), screens::open_web_label(lang)).await?;
    rows.push(vec![Button::callback(crate::texts::labels::Label::Refresh.text(lang), Callback::RefreshChat(id))]);
    rows.push(vec![Button::callback(screens::back_to_card(lang), Callback::ViewProcurement(id))]);
    let text =
        format!("{}\n\n{}", screens::chat_room(&p.title, unread.unread_count, lang), screens::login_link_note(lang));
    let reply = Reply::with_keyboard(text, Keyboard::inline(rows));
    turn.show(reply, replace);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> String {
        "https://gb.example/login?code=abc".into()
    }

    #[test]
    fn telegram_gets_the_mini_app_button_over_https_and_the_link_as_well() {
        let rows = cabinet_buttons(Platform::Telegram, "https://gb.example", "/chats/7", login(), "Web", Lang::En);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0].web_app.as_deref(), Some("https://gb.example/chats/7"));
        assert_eq!(rows[0][0].url, None);
        assert_eq!(rows[1][0].url.as_deref(), Some("https://gb.example/login?code=abc"));
    }

    #[test]
    fn over_plain_http_or_in_vk_only_the_login_link_is_given() {
        let http = cabinet_buttons(Platform::Telegram, "http://127.0.0.1:8000", "/chats", login(), "Web", Lang::Ru);
        let vk = cabinet_buttons(Platform::Vk, "https://gb.example", "/chats", login(), "Web", Lang::Ru);
        for rows in [http, vk] {
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0][0].web_app, None);
            assert_eq!(rows[0][0].url.as_deref(), Some("https://gb.example/login?code=abc"));
        }
    }
}
