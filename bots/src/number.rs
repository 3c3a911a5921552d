//! Decimal numbers typed by people, read as exact fixed-point integers.
//!
//! Money and quantities both have two decimal places in the database
//! (NUMERIC(14,2) and NUMERIC(10,2)), so user input is read straight into
//! hundredths: no floating point is involved at any step.

use std::fmt;

/// Why a typed number was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    NotANumber,
    Negative,
    /// More than two digits after the separator. "1.500" lands here on
    /// purpose: it may mean 1 500 or 1.5, so the user is asked again.
    TooPrecise,
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::Empty => "empty input",
            NumberError::NotANumber => "not a number",
            NumberError::Negative => "negative number",
            NumberError::TooPrecise => "more than two decimal places",
            NumberError::TooLarge => "number too large",
        })
    }
}

impl std::error::Error for NumberError {}

/// Integer digits accepted before the separator; keeps every result far
/// from i64 overflow while allowing any realistic amount.
const MAX_INTEGER_DIGITS: usize = 13;

/// Spaces people (and phone keyboards) put between thousands.
fn is_group_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'')
}

/// Parses "2", "1,5", "1.5", "1 500", "1 500,50" into hundredths
/// (150 for "1,5"). Either a comma or a dot is the decimal separator, at most once.
pub fn parse_hundredths(input: &str) -> Result<i64, NumberError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    if trimmed.starts_with('-') || trimmed.starts_with('−') {
        return Err(NumberError::Negative);
    }
    let compact: String = trimmed.chars().filter(|c| !is_group_separator(*c)).collect();

    let mut parts = compact.splitn(2, [',', '.']);
    let integer = parts.next().unwrap_or("");
    let fraction = parts.next();

    if integer.is_empty() || !integer.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotANumber);
    }
    let fraction = match fraction {
        None => "",
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(NumberError::NotANumber);
        }
        Some(f) if f.len() > 2 => return Err(NumberError::TooPrecise),
        Some(f) => f,
    };
    let significant = integer.trim_start_matches('0');
    if significant.len() > MAX_INTEGER_DIGITS {
        return Err(NumberError::TooLarge);
    }

    let whole: i64 = significant.parse().unwrap_or(0);
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => i64::from(fraction.as_bytes()[0] - b'0') * 10,
        _ => fraction.parse().map_err(|_| NumberError::NotANumber)?,
    };
    Ok(whole * 100 + cents)
}

/// Writes a non-negative integer with a separator between groups of three digits.
pub fn group_thousands(value: u64, separator: &str) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len());
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_integers_and_both_separators() {
        assert_eq!(parse_hundredths("2"), Ok(200));
        assert_eq!(parse_hundredths("1,5"), Ok(150));
        assert_eq!(parse_hundredths("1.5"), Ok(150));
        assert_eq!(parse_hundredths("1500,50"), Ok(150_050));
        assert_eq!(parse_hundredths("1500.05"), Ok(150_005));
        assert_eq!(parse_hundredths("  0,01 "), Ok(1));
        assert_eq!(parse_hundredths("007"), Ok(700));
    }

    #[test]
    fn ignores_thousand_groups() {
        assert_eq!(parse_hundredths("1 500"), Ok(150_000));
        assert_eq!(parse_hundredths("1\u{a0}500,50"), Ok(150_050));
        assert_eq!(parse_hundredths("10\u{202f}000"), Ok(1_000_000));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_hundredths(""), Err(NumberError::Empty));
        assert_eq!(parse_hundredths("   "), Err(NumberError::Empty));
        assert_eq!(parse_hundredths("abc"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths("1,5,0"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths("1,500.50"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths(",5"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths("5,"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths("+5"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths("1e3"), Err(NumberError::NotANumber));
        assert_eq!(parse_hundredths("١٢"), Err(NumberError::NotANumber));
    }

    #[test]
    fn rejects_negative_precise_and_huge() {
        assert_eq!(parse_hundredths("-1"), Err(NumberError::Negative));
        assert_eq!(parse_hundredths("1.500"), Err(NumberError::TooPrecise));
        assert_eq!(parse_hundredths("99999999999999"), Err(NumberError::TooLarge));
        assert_eq!(parse_hundredths("9999999999999,99"), Ok(999_999_999_999_999));
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0, " "), "0");
        assert_eq!(group_thousands(999, " "), "999");
        assert_eq!(group_thousands(1000, " "), "1 000");
        assert_eq!(group_thousands(1_234_567, ","), "1,234,567");
    }
}
