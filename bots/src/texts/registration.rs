//! Registration dialog texts.

use crate::lang::Lang;
use crate::model::Role;
use crate::texts::labels::role_name;

pub fn ask_name(lang: Lang) -> &'static str {
    lang.pick(
        "Добро пожаловать в GroupBuy!\n\nДавайте зарегистрируемся.\n\nКак вас зовут?",
        "Welcome to GroupBuy!\n\nLet's get you registered.\n\nPlease enter your name:",
    )
}

pub fn invalid_name(lang: Lang) -> &'static str {
    lang.pick(
        "Введите имя буквами одного алфавита (русского или латинского), от 2 до 50 символов.",
        "Please enter a valid name (letters of one alphabet, 2-50 characters).",
    )
}

pub fn ask_phone(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => {
            format!("Отлично, {name}!\n\nТеперь введите номер телефона (например, +79991234567):")
        }
        Lang::En => {
            format!("Great, {name}!\n\nNow please enter your phone number (e.g., +79991234567):")
        }
    }
}

pub fn invalid_phone(lang: Lang) -> &'static str {
    lang.pick(
        "Введите корректный номер телефона (например, +79991234567).",
        "Please enter a valid phone number (e.g., +79991234567).",
    )
}

pub fn ask_email(lang: Lang) -> &'static str {
    lang.pick("Введите email или «-», чтобы пропустить:", "Please enter your email, or \"-\" to skip:")
}

pub fn invalid_email(lang: Lang) -> &'static str {
    lang.pick(
        "Введите корректный email (например, name@example.ru) или «-», чтобы пропустить.",
        "Please enter a valid email address (e.g., name@example.com), or \"-\" to skip.",
    )
}

pub fn ask_role(lang: Lang) -> &'static str {
    lang.pick("Почти готово! Выберите роль:", "Almost done! Please select your role:")
}

pub fn complete(role: Role, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Регистрация завершена!\n\nВы зарегистрированы как: {}", role_name(role, lang)),
        Lang::En => format!("Registration complete!\n\nYou are registered as: {}", role_name(role, lang)),
    }
}

pub fn failed(lang: Lang) -> &'static str {
    lang.pick(
        "Не удалось завершить регистрацию. Попробуйте позже.\nЧтобы начать заново, отправьте /start.",
        "Registration failed. Please try again later.\nUse /start to restart.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_names_the_role() {
        assert!(complete(Role::Organizer, Lang::Ru).ends_with("Организатор"));
        assert!(complete(Role::Supplier, Lang::En).ends_with("Supplier"));
    }
}
