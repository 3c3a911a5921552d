//! What reaches the person: their notifications (and marking them read), their procurement
//! chats with unread counts, and the one-time login link into the web chat.

use std::collections::HashMap;

use chrono::Utc;
use redis::aio::ConnectionManager;
use workflows::page::PageRequest;
use workflows::{chat, notify, procurement};

use super::browse::visible;
use super::turn::{Handled, Turn};
use crate::callback::Callback;
use crate::keyboard::{Button, Keyboard};
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
    rows.push(vec![Button::url(screens::open_web_label(lang), login_link(turn).await?)]);
    let reply = Reply::with_keyboard(lines.join("\n"), Keyboard::inline(rows));
    turn.show(reply, replace);
    Ok(())
}

/// One room: its unread count and the login link (the messages themselves are read on the web).
pub async fn room(turn: &mut Turn<'_>, id: i64, replace: bool) -> Handled {
    let p = visible(turn, id).await?;
    let unread = chat::unread_count(turn.pool(), turn.actor()?, turn.user_id()?, id).await?;
    let lang = turn.lang;
    let rows = vec![
        vec![Button::url(screens::open_web_label(lang), login_link(turn).await?)],
        vec![Button::callback(crate::texts::labels::Label::Refresh.text(lang), Callback::RefreshChat(id))],
        vec![Button::callback(screens::back_to_card(lang), Callback::ViewProcurement(id))],
    ];
    let text =
        format!("{}\n\n{}", screens::chat_room(&p.title, unread.unread_count, lang), screens::login_link_note(lang));
    let reply = Reply::with_keyboard(text, Keyboard::inline(rows));
    turn.show(reply, replace);
    Ok(())
}
