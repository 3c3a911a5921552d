//! The chat's menu button (beside the text field): the web cabinet as a Mini App when the web
//! base is https. Telegram opens only https web apps, so over plain http the button stays the
//! command list and people sign in with the bots' login links.

use teloxide::payloads::SetChatMenuButtonSetters;
use teloxide::prelude::Requester;
use teloxide::types::{MenuButton, WebAppInfo};

use crate::runtime::mini_app_available;
use crate::texts::screens::MENU_BUTTON_TEXT;

/// Sets every private chat's menu button to the cabinet at `web_base`; true when set, false
/// when the base is not https (nothing is asked of Telegram then).
pub async fn offer_cabinet(bot: &teloxide::Bot, web_base: &str) -> Result<bool, String> {
    if !mini_app_available(web_base) {
        return Ok(false);
    }
    let address = format!("{}/", web_base.trim_end_matches('/'));
    let url = reqwest::Url::parse(&address).map_err(|e| format!("PUBLIC_URL '{web_base}': {e}"))?;
    let button = MenuButton::WebApp { text: MENU_BUTTON_TEXT.to_string(), web_app: WebAppInfo { url } };
    bot.set_chat_menu_button().menu_button(button).await.map_err(|e| format!("setChatMenuButton: {e}"))?;
    Ok(true)
}
