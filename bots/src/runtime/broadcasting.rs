//! `/broadcast`: an organizer or staff member sends one text to a channel or group where the bot
//! is an admin, or (staff) to every active user of this messenger. `/broadcast @channel text`
//! goes straight to the confirmation; `/broadcast` alone asks for each part.

use super::session::{BroadcastDraft, Dialog};
use super::turn::{Handled, Turn, role_of};
use crate::callback::Callback;
use crate::keyboard::{Button, Keyboard};
use crate::model::Role;
use crate::reply::Reply;
use crate::texts::broadcast as texts;
use workflows::broadcast::{self, NewBroadcast, Target};

/// The words that mean "every active user of this messenger".
const EVERYONE: [&str; 3] = ["all", "все", "всем"];

pub async fn start(turn: &mut Turn<'_>, args: &str) -> Handled {
    let user = turn.user()?;
    let staff = user.is_staff;
    if !staff && role_of(user) != Role::Organizer {
        turn.say_with_menu(texts::only_organizers(turn.lang));
        return Ok(());
    }
    let args = args.trim();
    if args.is_empty() {
        turn.session.dialog = Some(Dialog::BroadcastTarget);
        turn.say(Reply::text(texts::ask_target(staff, turn.lang)));
        return Ok(());
    }
    let (target, text) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    target_given(turn, target, text.trim())
}

/// The target typed (and perhaps the text after it, in the one-line form).
pub fn target_given(turn: &mut Turn<'_>, target: &str, text: &str) -> Handled {
    let Some(chat) = parse_target(target) else {
        turn.session.dialog = Some(Dialog::BroadcastTarget);
        turn.say(Reply::text(texts::bad_target(turn.lang)));
        return Ok(());
    };
    let draft = BroadcastDraft { chat, text: String::new() };
    if text.is_empty() {
        turn.session.dialog = Some(Dialog::BroadcastText(draft));
        turn.say(Reply::text(texts::ask_text(turn.lang)));
        return Ok(());
    }
    text_given(turn, draft, text)
}

pub fn text_given(turn: &mut Turn<'_>, draft: BroadcastDraft, text: &str) -> Handled {
    let text = text.trim();
    if text.is_empty() {
        turn.session.dialog = Some(Dialog::BroadcastText(draft));
        turn.say(Reply::text(texts::empty_text(turn.lang)));
        return Ok(());
    }
    let draft = BroadcastDraft { text: text.to_string(), ..draft };
    let keyboard = Keyboard::inline(vec![vec![
        Button::callback(texts::confirm_label(turn.lang), Callback::ConfirmBroadcast),
        Button::callback(texts::cancel_label(turn.lang), Callback::Dismiss),
    ]]);
    turn.say(Reply::with_keyboard(texts::summary(draft.chat.as_deref(), &draft.text, turn.lang), keyboard));
    turn.session.dialog = Some(Dialog::BroadcastConfirm(draft));
    Ok(())
}

/// Creates and starts it; who may send where is the use case's to decide.
pub async fn send(turn: &mut Turn<'_>, draft: BroadcastDraft) -> Handled {
    let actor = turn.actor()?;
    let platform = turn.platform;
    let target = match draft.chat {
        Some(chat_id) => Target::Chat { platform, chat_id },
        None => Target::AllUsers(platform),
    };
    let new = NewBroadcast { author_id: None, text: draft.text, targets: vec![target] };
    let created = broadcast::create(turn.pool(), actor, new, true).await?;
    turn.say_with_menu(texts::started(created.id, created.targets, turn.lang));
    Ok(())
}

/// `@name`, a numeric chat id (negative for groups and channels), or "all": None means everyone.
fn parse_target(word: &str) -> Option<Option<String>> {
    let word = word.trim();
    if EVERYONE.contains(&word.to_lowercase().as_str()) {
        return Some(None);
    }
    let is_name =
        word.len() > 1 && word.starts_with('@') && word[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let digits = word.strip_prefix('-').unwrap_or(word);
    let is_id = !digits.is_empty() && digits.len() <= 20 && digits.chars().all(|c| c.is_ascii_digit());
    (is_name || is_id).then(|| Some(word.to_string()))
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn targets_are_names_ids_or_everyone() {
        assert_eq!(parse_target("@farm_news"), Some(Some("@farm_news".into())));
        assert_eq!(parse_target("-1001234567890"), Some(Some("-1001234567890".into())));
        assert_eq!(parse_target("Все"), Some(None));
        assert_eq!(parse_target("@"), None);
        assert_eq!(parse_target("@bad name"), None);
        assert_eq!(parse_target("channel"), None);
        assert_eq!(parse_target("-"), None);
    }
}
