//! The core's platform-neutral [`Keyboard`] as Telegram reply markup.

use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup, ReplyMarkup, WebAppInfo,
};

use crate::keyboard::{Button, Keyboard, KeyboardKind};

/// Inline keyboards become callback and URL buttons; reply keyboards a resized text keyboard.
pub fn reply_markup(keyboard: &Keyboard) -> ReplyMarkup {
    match keyboard.kind {
        KeyboardKind::Inline => ReplyMarkup::InlineKeyboard(inline_markup(keyboard)),
        KeyboardKind::Reply => ReplyMarkup::Keyboard(
            KeyboardMarkup::new(
                keyboard
                    .buttons
                    .iter()
                    .map(|row| row.iter().map(|b| KeyboardButton::new(b.text.clone())).collect::<Vec<_>>()),
            )
            .resize_keyboard(),
        ),
    }
}

/// The inline keyboard alone (the only markup an edited message may carry).
pub fn inline_markup(keyboard: &Keyboard) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(keyboard.buttons.iter().map(|row| row.iter().map(inline_button).collect::<Vec<_>>()))
}

fn inline_button(button: &Button) -> InlineKeyboardButton {
    if let Some(url) = button.web_app.as_deref().and_then(|u| reqwest::Url::parse(u).ok()) {
        return InlineKeyboardButton::web_app(button.text.clone(), WebAppInfo { url });
    }
    if let Some(url) = button.url.as_deref().and_then(|u| reqwest::Url::parse(u).ok()) {
        return InlineKeyboardButton::url(button.text.clone(), url);
    }
    // A button without callback data sends its label, as a reply-keyboard button would.
    let data = button.callback_data.clone().unwrap_or_else(|| button.text.clone());
    InlineKeyboardButton::callback(button.text.clone(), data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::Callback;

    #[test]
    fn inline_keyboard_keeps_callbacks_and_urls() {
        let kb = Keyboard::inline(vec![
            vec![Button::callback("Join", Callback::JoinProcurement(7))],
            vec![Button::url("Pay", "https://bank.example/pay/1")],
        ]);
        let json = serde_json::to_value(reply_markup(&kb)).unwrap();
        assert_eq!(json["inline_keyboard"][0][0]["callback_data"], "join_proc_7");
        assert_eq!(json["inline_keyboard"][1][0]["url"], "https://bank.example/pay/1");
        assert_eq!(json["inline_keyboard"][1][0]["text"], "Pay");
    }

    #[test]
    fn a_mini_app_button_carries_its_web_app() {
        let kb = Keyboard::inline(vec![vec![Button::web_app("Cabinet", "https://gb.example/chats")]]);
        let json = serde_json::to_value(reply_markup(&kb)).unwrap();
        assert_eq!(json["inline_keyboard"][0][0]["web_app"]["url"], "https://gb.example/chats");
        assert!(json["inline_keyboard"][0][0].get("url").is_none());
    }

    #[test]
    fn reply_keyboard_is_resized_text_buttons() {
        let kb = Keyboard::reply(vec![vec![Button::text("📦 Закупки"), Button::text("❓ Помощь")]]);
        let json = serde_json::to_value(reply_markup(&kb)).unwrap();
        assert_eq!(json["keyboard"][0][1]["text"], "❓ Помощь");
        assert_eq!(json["resize_keyboard"], true);
        assert!(json.get("inline_keyboard").is_none());
    }
}
