//! Money as integer kopecks: parsing what users type and formatting for replies.
//!
//! Every amount in this crate is an `i64` number of kopecks (1 ₽ = 100),
//! the same unit the server uses, so nothing is ever rounded through a float.

use crate::lang::Lang;
use crate::number::{NumberError, group_thousands, parse_hundredths};

/// The largest amount the database holds (NUMERIC(14,2): 999 999 999 999,99 ₽).
pub const MAX_AMOUNT: i64 = 99_999_999_999_999;

/// Kopecks in `n` whole roubles.
pub const fn rubles(n: i64) -> i64 {
    n * 100
}

/// Currency words people append to an amount; stripped before parsing.
/// Longest first so "руб." is not cut down to "руб" + ".".
const CURRENCY_SUFFIXES: [&str; 7] = ["рублей", "руб.", "руб", "р.", "rub", "₽", "р"];

/// Reads an amount typed by a user: "1500", "1 500", "1500,50", "1500.50",
/// optionally followed by "₽" or "руб". Returns kopecks.
pub fn parse_amount(input: &str) -> Result<i64, NumberError> {
    let mut text = input.trim().to_lowercase();
    for suffix in CURRENCY_SUFFIXES {
        if let Some(stripped) = text.strip_suffix(suffix) {
            text = stripped.trim_end().to_string();
            break;
        }
    }
    parse_hundredths(&text)
}

/// Formats kopecks for a reply: "1 500,00 ₽" in Russian, "1,500.00 ₽" in English.
pub fn format_money(kopecks: i64, lang: Lang) -> String {
    let (group, decimal) = lang.pick((" ", ","), (",", "."));
    let sign = if kopecks < 0 { "-" } else { "" };
    // unsigned_abs: i64::MIN has no positive i64 counterpart
    let abs = kopecks.unsigned_abs();
    format!("{sign}{}{decimal}{:02} ₽", group_thousands(abs / 100, group), abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_spellings() {
        assert_eq!(parse_amount("1500"), Ok(150_000));
        assert_eq!(parse_amount("1 500"), Ok(150_000));
        assert_eq!(parse_amount("1500,50"), Ok(150_050));
        assert_eq!(parse_amount("1500.50"), Ok(150_050));
        assert_eq!(parse_amount("1500.5"), Ok(150_050));
    }

    #[test]
    fn strips_currency_words() {
        assert_eq!(parse_amount("1500 ₽"), Ok(150_000));
        assert_eq!(parse_amount("1500₽"), Ok(150_000));
        assert_eq!(parse_amount("200 руб."), Ok(20_000));
        assert_eq!(parse_amount("200 РУБ"), Ok(20_000));
        assert_eq!(parse_amount("200р"), Ok(20_000));
        assert_eq!(parse_amount("200 RUB"), Ok(20_000));
        assert_eq!(parse_amount("₽"), Err(NumberError::Empty));
    }

    #[test]
    fn rejects_what_is_not_money() {
        assert_eq!(parse_amount("сто"), Err(NumberError::NotANumber));
        assert_eq!(parse_amount("-100"), Err(NumberError::Negative));
        assert_eq!(parse_amount("10.555"), Err(NumberError::TooPrecise));
    }

    #[test]
    fn formats_russian_style() {
        assert_eq!(format_money(150_000, Lang::Ru), "1 500,00 ₽");
        assert_eq!(format_money(5, Lang::Ru), "0,05 ₽");
        assert_eq!(format_money(0, Lang::Ru), "0,00 ₽");
        assert_eq!(format_money(123_456_789, Lang::Ru), "1 234 567,89 ₽");
        assert_eq!(format_money(-150_050, Lang::Ru), "-1 500,50 ₽");
    }

    #[test]
    fn formats_english_style_and_extremes() {
        assert_eq!(format_money(150_000, Lang::En), "1,500.00 ₽");
        assert_eq!(format_money(i64::MIN, Lang::Ru), "-92 233 720 368 547 758,08 ₽");
    }

    #[test]
    fn parse_and_format_agree() {
        for kopecks in [1, 99, 100, 150_050, 100_000_000] {
            assert_eq!(parse_amount(&format_money(kopecks, Lang::Ru)), Ok(kopecks));
        }
    }

    #[test]
    fn rubles_helper() {
        assert_eq!(rubles(1000), 100_000);
    }
}
