//! The `/broadcast` dialogue: where to, what to say, and the confirmation.

use crate::lang::Lang;

pub fn only_organizers(lang: Lang) -> &'static str {
    lang.pick("Рассылки доступны организаторам и сотрудникам.", "Broadcasts are for organizers and staff.")
}

pub fn ask_target(staff: bool, lang: Lang) -> String {
    let mut text = lang
        .pick(
            "Куда отправить рассылку? Пришлите @имя канала или группы, где бот — администратор, или числовой id чата.",
            "Where should the broadcast go? Send the @name of a channel or group where the bot is an admin, or a numeric chat id.",
        )
        .to_string();
    if staff {
        text.push('\n');
        text.push_str(lang.pick(
            "Или «все» — всем активным пользователям этого мессенджера.",
            "Or \"all\" for every active user of this messenger.",
        ));
    }
    text
}

pub fn bad_target(lang: Lang) -> &'static str {
    lang.pick(
        "Не понял адресата: нужен @канал, числовой id чата или «все». /cancel — отмена.",
        "I could not read the target: send a @channel, a numeric chat id or \"all\". /cancel to stop.",
    )
}

pub fn ask_text(lang: Lang) -> &'static str {
    lang.pick("Пришлите текст рассылки.", "Send the text of the broadcast.")
}

pub fn empty_text(lang: Lang) -> &'static str {
    lang.pick("Текст пустой. Пришлите текст рассылки.", "The text is empty. Send the text of the broadcast.")
}

/// The summary before sending. `target` is a chat, or None for every user of the messenger.
pub fn summary(target: Option<&str>, text: &str, lang: Lang) -> String {
    let to = match target {
        Some(chat) => chat.to_string(),
        None => lang.pick("все активные пользователи", "every active user").to_string(),
    };
    format!("📣 {} → {to}\n\n{text}", lang.pick("Рассылка", "Broadcast"))
}

pub fn confirm_label(lang: Lang) -> &'static str {
    lang.pick("📣 Отправить", "📣 Send")
}

pub fn cancel_label(lang: Lang) -> &'static str {
    lang.pick("❌ Отмена", "❌ Cancel")
}

pub fn started(id: i64, targets: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Рассылка №{id} запущена: получателей — {targets}. Ход отправки виден в истории рассылок."),
        Lang::En => {
            format!("Broadcast #{id} started: {targets} recipient(s). Its progress is in the broadcast history.")
        }
    }
}
