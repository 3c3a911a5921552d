//! The one decimal parser: text to hundredths (kopecks for money), exactly.
//!
//! Programs and people spell numbers differently, so the parser takes a [`Syntax`]; both go
//! through the same digit handling and the same range, so an amount a bot accepts is one the
//! database holds.

use std::borrow::Cow;
use std::fmt;

/// Largest absolute value accepted: what `NUMERIC(14,2)` holds (under a trillion roubles).
pub const MAX_HUNDREDTHS: i64 = 99_999_999_999_999;

/// Digits before the separator that [`MAX_HUNDREDTHS`] allows.
const MAX_WHOLE_DIGITS: usize = 12;

/// Why a decimal text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but spaces (typed input; the wire calls this [`ParseError::NotANumber`]).
    Empty,
    NotANumber,
    /// A minus sign where only amounts of zero or more make sense (typed input).
    Negative,
    /// Digits after the second decimal place that would be lost.
    TooPrecise,
    TooLarge,
}

impl fmt::Display for ParseError {
    // The API shows these after the offending text ("'1.555': at most two digits …").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::Empty => "empty input",
            ParseError::NotANumber => "not a decimal number",
            ParseError::Negative => "must not be negative",
            ParseError::TooPrecise => "at most two digits after the decimal point",
            ParseError::TooLarge => "too large",
        })
    }
}

impl std::error::Error for ParseError {}

/// Who wrote the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Programs: JSON, the database, the bank. `"1500.00"`, `"-3.25"`, `"+7"`, `".5"`; zeros
    /// past the second decimal are harmless (`"1.500"` is 1.5); no thousands separators.
    Wire,
    /// People in a chat: `"1500"`, `"1 500,50"`, `"1'500.5"`. No sign at all: a minus is
    /// [`ParseError::Negative`]. `"1.500"` is refused as too precise because a person may mean
    /// one thousand five hundred, so they are asked again instead of being charged 1,50.
    Typed,
}

/// Spaces people (and phone keyboards) put between thousands.
fn is_group_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'')
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses `text` into hundredths: `"1500,5"` is 150 050. Either `.` or `,` separates the
/// decimals, at most once.
pub fn parse_hundredths(text: &str, syntax: Syntax) -> Result<i64, ParseError> {
    let typed = syntax == Syntax::Typed;
    let text = text.trim();
    if text.is_empty() {
        return Err(if typed { ParseError::Empty } else { ParseError::NotANumber });
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        _ if typed && (text.starts_with('-') || text.starts_with('−')) => return Err(ParseError::Negative),
        Some(rest) => (true, rest),
        None if typed => (false, text),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: Cow<str> = if typed {
        Cow::Owned(unsigned.chars().filter(|c| !is_group_separator(*c)).collect())
    } else {
        Cow::Borrowed(unsigned)
    };

    let (whole, fraction) = match digits.split_once(['.', ',']) {
        Some((_, "")) => return Err(ParseError::NotANumber),
        Some((w, f)) => (w, f),
        None => (digits.as_ref(), ""),
    };
    // ".5" is a program's way of writing 0.5; in a chat it is more likely a typo.
    if (whole.is_empty() && (typed || fraction.is_empty())) || !all_digits(whole) || !all_digits(fraction) {
        return Err(ParseError::NotANumber);
    }
    let fraction = if typed { fraction } else { fraction.trim_end_matches('0') };
    if fraction.len() > 2 {
        return Err(ParseError::TooPrecise);
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > MAX_WHOLE_DIGITS {
        return Err(ParseError::TooLarge);
    }
    // At most 12 + 2 digits: no overflow is possible from here on.
    let mut value: i64 = 0;
    for b in whole.bytes().chain(fraction.bytes()).chain("00".bytes().take(2 - fraction.len())) {
        value = value * 10 + i64::from(b - b'0');
    }
    Ok(if negative { -value } else { value })
}

/// Currency words people append to an amount; stripped before parsing.
/// Longest first so "руб." is not cut down to "руб" + ".".
const CURRENCY_SUFFIXES: [&str; 7] = ["рублей", "руб.", "руб", "р.", "rub", "₽", "р"];

/// An amount typed in a chat, in kopecks: [`Syntax::Typed`] after one trailing currency word
/// ("1 500 ₽", "200 руб.") is dropped.
pub fn parse_typed_amount(text: &str) -> Result<i64, ParseError> {
    let lower = text.trim().to_lowercase();
    let bare = CURRENCY_SUFFIXES.iter().find_map(|s| lower.strip_suffix(s)).unwrap_or(&lower);
    parse_hundredths(bare, Syntax::Typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(s: &str) -> Result<i64, ParseError> {
        parse_hundredths(s, Syntax::Wire)
    }
    fn typed(s: &str) -> Result<i64, ParseError> {
        parse_hundredths(s, Syntax::Typed)
    }

    #[test]
    fn wire_parses_exact_decimals() {
        assert_eq!(wire("1500"), Ok(150_000));
        assert_eq!(wire("1500.5"), Ok(150_050));
        assert_eq!(wire("1500,05"), Ok(150_005));
        assert_eq!(wire("0.1"), Ok(10));
        assert_eq!(wire(".5"), Ok(50));
        assert_eq!(wire("-3.25"), Ok(-325));
        assert_eq!(wire("+7"), Ok(700));
        assert_eq!(wire("1.500"), Ok(150));
        assert_eq!(wire(" 7 "), Ok(700));
    }

    #[test]
    fn wire_refuses_junk_and_lost_precision() {
        for bad in ["", "-", ".", "1.", "abc", "1e3", "1.2.3", "--1", "+-1", "1 000", "NaN", "inf", "-.", "1,500.50"] {
            assert_eq!(wire(bad), Err(ParseError::NotANumber), "{bad}");
        }
        assert_eq!(wire("0.001"), Err(ParseError::TooPrecise));
        assert_eq!(wire("1000000000000"), Err(ParseError::TooLarge));
        assert_eq!(wire("999999999999.99"), Ok(MAX_HUNDREDTHS));
        assert_eq!(wire("-999999999999.99"), Ok(-MAX_HUNDREDTHS));
        assert_eq!(wire("000000000000000001.00"), Ok(100));
    }

    #[test]
    fn typed_parses_integers_groups_and_both_separators() {
        assert_eq!(typed("2"), Ok(200));
        assert_eq!(typed("1,5"), Ok(150));
        assert_eq!(typed("1.5"), Ok(150));
        assert_eq!(typed("1500.05"), Ok(150_005));
        assert_eq!(typed("  0,01 "), Ok(1));
        assert_eq!(typed("007"), Ok(700));
        assert_eq!(typed("1 500"), Ok(150_000));
        assert_eq!(typed("1 500,50"), Ok(150_050));
        assert_eq!(typed("1\u{a0}500,50"), Ok(150_050));
        assert_eq!(typed("10\u{202f}000"), Ok(1_000_000));
        assert_eq!(typed("1'000'000"), Ok(100_000_000));
    }

    #[test]
    fn typed_refuses_what_a_person_did_not_mean() {
        assert_eq!(typed(""), Err(ParseError::Empty));
        assert_eq!(typed("   "), Err(ParseError::Empty));
        for bad in ["abc", "1,5,0", "1,500.50", ",5", "5,", "+5", "1e3", "١٢"] {
            assert_eq!(typed(bad), Err(ParseError::NotANumber), "{bad}");
        }
        assert_eq!(typed("-1"), Err(ParseError::Negative));
        assert_eq!(typed("−1"), Err(ParseError::Negative));
        assert_eq!(typed("-abc"), Err(ParseError::Negative));
        assert_eq!(typed("1.500"), Err(ParseError::TooPrecise));
        assert_eq!(typed("10.555"), Err(ParseError::TooPrecise));
        assert_eq!(typed("1 000 000 000 000"), Err(ParseError::TooLarge));
        assert_eq!(typed("999 999 999 999,99"), Ok(MAX_HUNDREDTHS));
    }

    #[test]
    fn typed_amounts_drop_currency_words() {
        assert_eq!(parse_typed_amount("1500 ₽"), Ok(150_000));
        assert_eq!(parse_typed_amount("1500₽"), Ok(150_000));
        assert_eq!(parse_typed_amount("200 руб."), Ok(20_000));
        assert_eq!(parse_typed_amount("200 РУБ"), Ok(20_000));
        assert_eq!(parse_typed_amount("200р"), Ok(20_000));
        assert_eq!(parse_typed_amount("200 RUB"), Ok(20_000));
        assert_eq!(parse_typed_amount("₽"), Err(ParseError::Empty));
        assert_eq!(parse_typed_amount("сто"), Err(ParseError::NotANumber));
        assert_eq!(parse_typed_amount("-100"), Err(ParseError::Negative));
    }

    proptest::proptest! {
        #[test]
        fn wire_reads_back_every_value(v in -MAX_HUNDREDTHS..=MAX_HUNDREDTHS) {
            let sign = if v < 0 { "-" } else { "" };
            let text = format!("{sign}{}.{:02}", v.unsigned_abs() / 100, v.unsigned_abs() % 100);
            proptest::prop_assert_eq!(wire(&text), Ok(v));
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = wire(&s);
            let _ = parse_typed_amount(&s);
        }
    }
}
