//! Balance, deposit and payment-status texts.

use super::format_money;
use crate::lang::Lang;
use money::ParseError;

pub fn choose_deposit_amount(lang: Lang) -> &'static str {
    lang.pick("Выберите сумму пополнения:", "Select amount to deposit:")
}

pub fn ask_custom_amount(min: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => {
            format!("Введите сумму пополнения (не меньше {}), например 1500 или 1 500,50:", format_money(min, lang))
        }
        Lang::En => format!("Enter the amount to deposit (minimum {}), e.g. 1500 or 1500.50:", format_money(min, lang)),
    }
}

/// Why a typed amount was not understood, for a money prompt whose largest amount is `max`
/// (named in the reply when the number is too large even to read).
pub fn invalid_amount(error: ParseError, max: i64, lang: Lang) -> String {
    match error {
        ParseError::TooPrecise => lang
            .pick("Укажите не больше двух знаков после запятой (копейки).", "Use at most two decimal places.")
            .into(),
        ParseError::Negative => {
            lang.pick("Сумма не может быть отрицательной.", "The amount cannot be negative.").into()
        }
        ParseError::TooLarge => amount_too_large(max, lang),
        ParseError::Empty | ParseError::NotANumber => lang
            .pick(
                "Не удалось распознать сумму. Введите число, например 1500 или 1 500,50.",
                "Could not read the amount. Enter a number, e.g. 1500 or 1500.50.",
            )
            .into(),
    }
}

pub fn amount_too_small(min: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Минимальная сумма — {}.", format_money(min, lang)),
        Lang::En => format!("The minimum amount is {}.", format_money(min, lang)),
    }
}

pub fn amount_too_large(max: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Максимальная сумма — {}.", format_money(max, lang)),
        Lang::En => format!("The maximum amount is {}.", format_money(max, lang)),
    }
}

/// Sent with the bank link after a deposit is created.
pub fn payment_created(amount: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Пополнение на {}\n\nНажмите «Оплатить», чтобы перейти к оплате.\nСсылка действует 24 часа. Баланс обновится автоматически.",
            format_money(amount, lang)
        ),
        Lang::En => format!(
            "Deposit of {}\n\nTap \"Pay\" to proceed to payment.\nThe link is valid for 24 hours. Your balance will update automatically.",
            format_money(amount, lang)
        ),
    }
}

pub fn payment_confirmed(lang: Lang) -> &'static str {
    lang.pick("✅ Оплата подтверждена! Баланс пополнен.", "✅ Payment confirmed! Your balance has been topped up.")
}

pub fn payment_pending(lang: Lang) -> &'static str {
    lang.pick(
        "⏳ Платёж обрабатывается. Ждём подтверждения банка...",
        "⏳ Payment processing. Waiting for bank confirmation...",
    )
}

pub fn payment_failed(lang: Lang) -> &'static str {
    lang.pick("❌ Платёж не прошёл. Попробуйте ещё раз.", "❌ Payment failed. Please try again.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_formatted_per_language() {
        assert_eq!(amount_too_small(10_000, Lang::Ru), "Минимальная сумма — 100,00 ₽.");
        assert_eq!(amount_too_small(10_000, Lang::En), "The minimum amount is 100.00 ₽.");
        assert!(ask_custom_amount(10_000, Lang::Ru).contains("100,00 ₽"));
    }
}
