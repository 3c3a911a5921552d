//! Texts of the join, leave, create and search dialogs.

use chrono::NaiveDate;

use super::format_money;
use crate::lang::Lang;
use crate::quantity::Quantity;

// --- join -----------------------------------------------------------------

pub fn ask_quantity(unit: &str, price_per_unit: Option<i64>, lang: Lang) -> String {
    let mut text = match lang {
        Lang::Ru => format!("Сколько вы хотите заказать (в единицах «{unit}»)?"),
        Lang::En => format!("Enter the quantity you want to order (in \"{unit}\"):"),
    };
    if let Some(price) = price_per_unit {
        let line = match lang {
            Lang::Ru => format!("\nЦена за {unit}: {}", format_money(price, lang)),
            Lang::En => format!("\nPrice per {unit}: {}", format_money(price, lang)),
        };
        text.push_str(&line);
    }
    text.push_str(lang.pick("\n\nМожно дробное число: 2, 1,5 или 1.5", "\n\nFractions are fine: 2, 1.5"));
    text
}

pub fn invalid_quantity(lang: Lang) -> &'static str {
    lang.pick(
        "Введите количество больше нуля, например 2 или 1,5 (не больше двух знаков после запятой).",
        "Please enter a quantity greater than zero, e.g. 2 or 1.5 (at most two decimals).",
    )
}

pub fn quantity_too_large(max: Quantity, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Слишком большое количество: не больше {}.", max.display(lang)),
        Lang::En => format!("That is too much: at most {}.", max.display(lang)),
    }
}

pub fn joined(quantity: Quantity, unit: &str, amount: Option<i64>, lang: Lang) -> String {
    let mut text = match lang {
        Lang::Ru => format!("Вы присоединились к закупке!\n\nКоличество: {} {unit}", quantity.display(lang)),
        Lang::En => format!("Successfully joined!\n\nQuantity: {} {unit}", quantity.display(lang)),
    };
    if let Some(amount) = amount {
        text.push_str(&format!("\n{}: {}", lang.pick("Сумма", "Amount"), format_money(amount, lang)));
    }
    text
}

pub fn join_closed(lang: Lang) -> &'static str {
    lang.pick("К этой закупке сейчас нельзя присоединиться.", "This procurement is not open for joining.")
}

pub fn join_failed(lang: Lang) -> &'static str {
    lang.pick(
        "Не удалось присоединиться к закупке. Попробуйте ещё раз.",
        "Failed to join procurement. Please try again.",
    )
}

// --- leave ----------------------------------------------------------------

pub fn confirm_leave(lang: Lang) -> &'static str {
    lang.pick("Вы уверены, что хотите выйти из закупки?", "Are you sure you want to leave this procurement?")
}

pub fn left(lang: Lang) -> &'static str {
    lang.pick("Вы вышли из закупки.", "You have left the procurement.")
}

pub fn leave_failed(lang: Lang) -> &'static str {
    lang.pick("Не удалось выйти из закупки. Попробуйте позже.", "Could not leave procurement. Please try again later.")
}

// --- create ---------------------------------------------------------------

pub fn ask_title(lang: Lang) -> &'static str {
    lang.pick(
        "Создание закупки.\n\nВведите название (от 5 символов):",
        "Creating a procurement.\n\nEnter the title (at least 5 characters):",
    )
}

pub fn title_length(min: usize, max: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Название должно быть от {min} до {max} символов."),
        Lang::En => format!("The title must be {min} to {max} characters long."),
    }
}

pub fn ask_description(lang: Lang) -> &'static str {
    lang.pick("Опишите товар (от 10 символов):", "Enter a description (at least 10 characters):")
}

pub fn description_length(min: usize, max: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Описание должно быть от {min} до {max} символов."),
        Lang::En => format!("The description must be {min} to {max} characters long."),
    }
}

pub fn ask_category(lang: Lang) -> &'static str {
    lang.pick("Выберите категорию (или нажмите «Пропустить»):", "Choose a category (or tap \"Skip\"):")
}

pub fn unknown_category(lang: Lang) -> &'static str {
    lang.pick(
        "Такой категории нет. Выберите категорию кнопкой ниже.",
        "No such category. Please choose one with the buttons below.",
    )
}

pub fn ask_target_amount(min: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Введите целевую сумму сбора (не меньше {}):", format_money(min, lang)),
        Lang::En => format!("Enter the target amount (minimum {}):", format_money(min, lang)),
    }
}

pub fn ask_price_per_unit(lang: Lang) -> &'static str {
    lang.pick(
        "Введите цену за единицу товара, например 350 или 349,90:",
        "Enter the price per unit, e.g. 350 or 349.90:",
    )
}

pub fn price_must_be_positive(lang: Lang) -> &'static str {
    lang.pick("Цена должна быть больше нуля.", "The price must be greater than zero.")
}

pub fn ask_unit(lang: Lang) -> &'static str {
    lang.pick("Введите единицу измерения (например: шт, кг, л, упаковка):", "Enter the unit (e.g. pcs, kg, l, pack):")
}

pub fn unit_length(max: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Единица измерения — от 1 до {max} символов."),
        Lang::En => format!("The unit must be 1 to {max} characters long."),
    }
}

pub fn ask_city(lang: Lang) -> &'static str {
    lang.pick("Введите город:", "Enter the city:")
}

pub fn city_length(min: usize, max: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Название города — от {min} до {max} символов."),
        Lang::En => format!("The city must be {min} to {max} characters long."),
    }
}

pub fn ask_deadline(lang: Lang) -> &'static str {
    lang.pick(
        "Введите дату окончания сбора в формате ДД.ММ.ГГГГ (например, 31.12.2026):",
        "Enter the deadline as DD.MM.YYYY (e.g. 31.12.2026):",
    )
}

pub fn invalid_date(lang: Lang) -> &'static str {
    lang.pick(
        "Не удалось распознать дату. Формат: ДД.ММ.ГГГГ, например 31.12.2026.",
        "Could not read the date. Use DD.MM.YYYY, e.g. 31.12.2026.",
    )
}

pub fn deadline_not_in_future(today: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Дата должна быть позже сегодняшней ({}).", today.format("%d.%m.%Y")),
        Lang::En => format!("The deadline must be after today ({}).", today.format("%d.%m.%Y")),
    }
}

pub fn ask_stop_amount(target: i64, lang: Lang) -> String {
    let target = format_money(target, lang);
    match lang {
        Lang::Ru => format!(
            "Сумма, при которой сбор остановится сам (не меньше целевой, {target}), или «-», чтобы не ограничивать:"
        ),
        Lang::En => format!(
            "The amount at which collection stops by itself (at least the target, {target}), or \"-\" for no limit:"
        ),
    }
}

pub fn stop_below_target(target: i64, lang: Lang) -> String {
    let target = format_money(target, lang);
    match lang {
        Lang::Ru => format!("Сумма остановки не может быть меньше целевой ({target})."),
        Lang::En => format!("The stop amount cannot be below the target ({target})."),
    }
}

pub fn procurement_created(title: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Закупка «{title}» создана!\n\nОна сохранена как черновик: опубликуйте её, чтобы участники могли присоединиться."
        ),
        Lang::En => format!(
            "Procurement \"{title}\" created successfully!\n\nIt is saved as a draft: publish it so participants can join."
        ),
    }
}

pub fn procurement_create_failed(lang: Lang) -> &'static str {
    lang.pick(
        "Не удалось создать закупку. Попробуйте позже.",
        "Failed to create the procurement. Please try again later.",
    )
}

// --- search ---------------------------------------------------------------

pub fn ask_search_query(lang: Lang) -> &'static str {
    lang.pick("Введите название, город или слово из описания:", "Enter a title, city or a word from the description:")
}

pub fn query_length(min: usize, max: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Запрос должен быть от {min} до {max} символов."),
        Lang::En => format!("The search query must be {min} to {max} characters long."),
    }
}

pub fn nothing_found(query: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("По запросу «{query}» ничего не найдено."),
        Lang::En => format!("No procurements found for \"{query}\"."),
    }
}

pub fn found(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Найдено закупок: {count}"),
        Lang::En => format!("Found {count} procurement(s):"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_prompt_mentions_price_when_known() {
        let with = ask_quantity("кг", Some(35_000), Lang::Ru);
        assert!(with.contains("Цена за кг: 350,00 ₽"), "{with}");
        assert!(!ask_quantity("кг", None, Lang::Ru).contains("Цена"));
    }

    #[test]
    fn joined_shows_amount_only_when_known() {
        let q = Quantity::parse("1,5").unwrap();
        let text = joined(q, "кг", Some(52_500), Lang::Ru);
        assert!(text.contains("Количество: 1,5 кг"));
        assert!(text.contains("Сумма: 525,00 ₽"));
        assert!(!joined(q, "kg", None, Lang::En).contains("Amount"));
    }

    #[test]
    fn deadline_error_shows_today() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert!(deadline_not_in_future(today, Lang::Ru).contains("05.03.2026"));
    }
}
