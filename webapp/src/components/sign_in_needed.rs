//! What a page that needs a person shows to someone not signed in: how to sign in without a
//! password (the bot's login link, or the Mini App button).

use crate::i18n::use_lang;
use yew::prelude::*;

#[function_component(SignInNeeded)]
pub fn sign_in_needed() -> Html {
    let lang = use_lang();
    html! {
        <section class="panel sign-in" aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{ lang.pick("Войдите, чтобы продолжить", "Sign in to continue") }</h2>
            <p>{ lang.pick(
                "Пароль не нужен: откройте бот GroupBuy в Telegram или VK и отправьте /profile или /chat — бот пришлёт одноразовую ссылку для входа. В Telegram кабинет открывается и кнопкой «Кабинет» прямо в боте.",
                "No password needed: open the GroupBuy bot in Telegram or VK and send /profile or /chat; the bot replies with a one-time sign-in link. In Telegram the cabinet also opens from the bot's \"Cabinet\" button.",
            ) }</p>
        </section>
    }
}
