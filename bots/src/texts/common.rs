//! Greetings, help and other texts not tied to one dialog.

use crate::command::Command;
use crate::lang::Lang;

pub fn welcome_back(first_name: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("С возвращением, {first_name}!"),
        Lang::En => format!("Welcome back, {first_name}!"),
    }
}

pub fn not_registered(lang: Lang) -> &'static str {
    lang.pick(
        "Вы ещё не зарегистрированы. Отправьте /start, чтобы зарегистрироваться.",
        "You are not registered. Use /start to register.",
    )
}

pub fn only_organizers(lang: Lang) -> &'static str {
    lang.pick(
        "Создавать закупки могут только организаторы.\nСменить роль можно в /profile.",
        "Only organizers can create procurements.\nChange your role in /profile.",
    )
}

pub fn cancelled(lang: Lang) -> &'static str {
    lang.pick("Действие отменено.", "Cancelled.")
}

/// For callback data no handler knows, typically a button from an old message.
pub fn stale_button(lang: Lang) -> &'static str {
    lang.pick(
        "Эта кнопка устарела. Откройте нужный раздел через меню.",
        "This button is out of date. Please use the menu.",
    )
}

pub fn unknown_input(lang: Lang) -> &'static str {
    lang.pick("Не понимаю сообщение. Список команд: /help", "I don't understand that. See /help for commands.")
}

/// Something went wrong talking to the server; the user can just retry.
pub fn try_again_later(lang: Lang) -> &'static str {
    lang.pick(
        "Сервис временно недоступен. Попробуйте позже.",
        "The service is temporarily unavailable. Please try again later.",
    )
}

pub fn command_description(command: Command, lang: Lang) -> &'static str {
    match command {
        Command::Start => lang.pick("начать работу / регистрация", "start / register"),
        Command::Help => lang.pick("список команд", "list of commands"),
        Command::Profile => lang.pick("ваш профиль", "your profile"),
        Command::Balance => lang.pick("баланс счёта", "account balance"),
        Command::Deposit => lang.pick("пополнить баланс", "top up your balance"),
        Command::Procurements => lang.pick("активные закупки", "active procurements"),
        Command::MyProcurements => lang.pick("мои закупки", "my procurements"),
        Command::Search => lang.pick("поиск закупок", "search procurements"),
        Command::CreateProcurement => {
            lang.pick("создать закупку (для организаторов)", "create a procurement (organizers)")
        }
        Command::Chat => lang.pick("чаты закупок", "procurement chats"),
        Command::Transactions => lang.pick("история операций", "transaction history"),
        Command::Notifications => lang.pick("уведомления", "notifications"),
        Command::Broadcast => lang.pick("рассылка в каналы", "broadcast to channels"),
        Command::Cancel => lang.pick("отменить текущее действие", "cancel the current action"),
    }
}

/// The /help text, built from the command list so it cannot miss a command.
pub fn help(lang: Lang) -> String {
    let mut text = String::from(lang.pick("Доступные команды:\n", "Available commands:\n"));
    for command in Command::ALL {
        text.push_str(&format!("\n/{} — {}", command.name(), command_description(command, lang)));
    }
    text
}

pub fn active_procurements_header(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Активные закупки ({count})"),
        Lang::En => format!("Active procurements ({count})"),
    }
}

pub fn no_active_procurements(lang: Lang) -> &'static str {
    lang.pick("Сейчас нет активных закупок.", "No active procurements available.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_command_in_both_languages() {
        for lang in [Lang::Ru, Lang::En] {
            let text = help(lang);
            for command in Command::ALL {
                assert!(text.contains(&format!("/{} ", command.name())), "{lang:?} {command:?}");
            }
        }
        assert!(help(Lang::Ru).starts_with("Доступные команды"));
    }

    #[test]
    fn greetings_include_the_name() {
        assert_eq!(welcome_back("Анна", Lang::Ru), "С возвращением, Анна!");
        assert_eq!(welcome_back("Ann", Lang::En), "Welcome back, Ann!");
    }
}
