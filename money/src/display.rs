//! The one formatter for people: roubles grouped by thousands, "1 500,00 ₽".
//!
//! The wire form ("1500.00") is each type's `Display`; this is the other one. Every reader picks
//! a [`Style`] instead of writing its own grouping loop.

/// How an amount is shown to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Between groups of three digits.
    pub group: &'static str,
    /// Before the kopecks.
    pub decimal: char,
    pub kopecks: Kopecks,
    /// After the number: the ruble sign and what keeps it there.
    pub suffix: &'static str,
}

/// Whether the two kopeck digits are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kopecks {
    Always,
    /// "1 000 ₽" but "99,50 ₽", as the original web app showed totals.
    UnlessZero,
}

/// A space, then the ruble sign.
const SPACE_RUBLE: &str = " ₽";
/// A no-break space, then the ruble sign: the sign never wraps away from its number.
const NBSP_RUBLE: &str = "\u{a0}₽";

impl Style {
    /// Russian chat replies: "1 500,00 ₽".
    pub const RU: Style = Style { group: " ", decimal: ',', kopecks: Kopecks::Always, suffix: SPACE_RUBLE };
    /// English chat replies: "1,500.00 ₽".
    pub const EN: Style = Style { group: ",", decimal: '.', kopecks: Kopecks::Always, suffix: SPACE_RUBLE };
    /// Tables: a no-break space keeps "1 500,00 ₽" on one line in a narrow column.
    pub const RU_TABLE: Style = Style { group: "\u{a0}", ..Style::RU };
    /// The web app's cards and totals: "1 000 ₽", "99,50 ₽".
    pub const RU_SHORT: Style = Style { kopecks: Kopecks::UnlessZero, ..Style::RU };
    /// Notifications, whose text the messenger wraps: no-break spaces throughout.
    pub const RU_NOTIFICATION: Style = Style { suffix: NBSP_RUBLE, ..Style::RU_TABLE };
    pub const EN_NOTIFICATION: Style = Style { suffix: NBSP_RUBLE, ..Style::EN };
}

/// Writes a sign, whole roubles given as decimal digits, and `kopecks` (0..=99) in `style`.
///
/// Roubles come as digits rather than an integer so numbers beyond `i64` (JavaScript sends
/// doubles up to 1e308) are grouped by the same code.
pub fn format_rubles(negative: bool, rubles: &str, kopecks: u8, style: Style) -> String {
    debug_assert!(kopecks < 100 && !rubles.is_empty() && rubles.bytes().all(|b| b.is_ascii_digit()));
    let mut out = String::with_capacity(rubles.len() * 2 + 8);
    if negative {
        out.push('-');
    }
    for (i, ch) in rubles.chars().enumerate() {
        if i > 0 && (rubles.len() - i).is_multiple_of(3) {
            out.push_str(style.group);
        }
        out.push(ch);
    }
    if style.kopecks == Kopecks::Always || kopecks > 0 {
        out.push(style.decimal);
        out.push(char::from(b'0' + kopecks / 10));
        out.push(char::from(b'0' + kopecks % 10));
    }
    out.push_str(style.suffix);
    out
}

/// [`format_rubles`] for a signed number of kopecks.
pub(crate) fn format_kopecks(kopecks: i64, style: Style) -> String {
    // unsigned_abs: i64::MIN has no positive i64 counterpart
    let abs = kopecks.unsigned_abs();
    format_rubles(kopecks < 0, &(abs / 100).to_string(), (abs % 100) as u8, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_and_english_replies() {
        assert_eq!(format_kopecks(150_000, Style::RU), "1 500,00 ₽");
        assert_eq!(format_kopecks(5, Style::RU), "0,05 ₽");
        assert_eq!(format_kopecks(0, Style::RU), "0,00 ₽");
        assert_eq!(format_kopecks(123_456_789, Style::RU), "1 234 567,89 ₽");
        assert_eq!(format_kopecks(-150_050, Style::RU), "-1 500,50 ₽");
        assert_eq!(format_kopecks(150_000, Style::EN), "1,500.00 ₽");
        assert_eq!(format_kopecks(i64::MIN, Style::RU), "-92 233 720 368 547 758,08 ₽");
    }

    #[test]
    fn tables_and_short_totals() {
        assert_eq!(format_kopecks(150_000, Style::RU_TABLE), "1\u{a0}500,00 ₽");
        assert_eq!(format_kopecks(-123_456_750, Style::RU_TABLE), "-1\u{a0}234\u{a0}567,50 ₽");
        assert_eq!(format_kopecks(150_000, Style::RU_NOTIFICATION), "1\u{a0}500,00\u{a0}₽");
        assert_eq!(format_kopecks(1_234_550, Style::EN_NOTIFICATION), "12,345.50\u{a0}₽");
        assert_eq!(format_kopecks(100_000, Style::RU_SHORT), "1 000 ₽");
        assert_eq!(format_kopecks(9_950, Style::RU_SHORT), "99,50 ₽");
        assert_eq!(format_kopecks(0, Style::RU_SHORT), "0 ₽");
        assert_eq!(format_rubles(false, "100000000000000000000", 0, Style::RU_SHORT), "100 000 000 000 000 000 000 ₽");
    }

    #[test]
    fn groups_every_length() {
        let expect = ["1", "12", "123", "1 234", "12 345", "123 456", "1 234 567"];
        for (n, want) in expect.iter().enumerate() {
            assert_eq!(format_rubles(false, &"1234567"[..=n], 0, Style::RU_SHORT), format!("{want} ₽"));
        }
    }
}
