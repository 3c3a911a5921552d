//! How amounts, dates and search terms are shown and sent: money through `money`'s formatter,
//! dates and search words through `wasm-utils`, in the browser's time zone.

use money::{Money, Style};
use wasm_utils::time::{self, LocalOffset};

/// `1 500,00 ₽` with a no-break space between groups (table cells do not wrap).
pub fn money(amount: Money) -> String {
    amount.grouped(Style::RU_TABLE)
}

/// `1 500 ₽`: kopecks left out when there are none (chart axes, compact figures).
pub fn rubles(amount: Money) -> String {
    amount.grouped(Style { group: "\u{a0}", ..Style::RU_SHORT })
}

/// The browser's time zone, asked of `Date` per instant (offsets change with the season).
pub struct BrowserZone;

impl LocalOffset for BrowserZone {
    fn offset_minutes(&self, utc_ms: f64) -> i32 {
        // getTimezoneOffset counts minutes west of UTC
        -(js_sys::Date::new(&utc_ms.into()).get_timezone_offset() as i32)
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `"15 января 14:05"` (the year added when not the current one); the input itself when it is
/// not an RFC 3339 time, so nothing the API sends is hidden.
pub fn date_time(iso: &str) -> String {
    date_time_in(iso, &BrowserZone, now_ms())
}

/// [`date_time`] in a given zone at a given moment.
pub fn date_time_in(iso: &str, zone: &dyn LocalOffset, now_ms: f64) -> String {
    let Some(ms) = time::parse_iso_ms(iso, zone) else { return iso.to_owned() };
    let current_year = time::civil_from_days(time::local_day(now_ms, zone)).year;
    let date = time::format_ru_date(time::civil_from_days(time::local_day(ms, zone)), current_year);
    format!("{date} {}", time::format_hh_mm(ms, zone))
}

/// `"15 января"` for a `YYYY-MM-DD` day (chart axes).
pub fn day(iso_date: &str) -> String {
    let zone = time::FixedOffset(0);
    match time::parse_iso_ms(iso_date, &zone) {
        Some(ms) => {
            let date = time::civil_from_days(time::local_day(ms, &zone));
            format!("{}.{:02}", date.day, date.month)
        }
        None => iso_date.to_owned(),
    }
}

/// `"5 мин. назад"`.
pub fn relative(iso: &str) -> String {
    match time::parse_iso_ms(iso, &BrowserZone) {
        Some(ms) => time::format_relative_time(ms, now_ms()),
        None => iso.to_owned(),
    }
}

/// The search box's text as the API gets it: the words, lower-cased, single-spaced.
pub fn search_terms(text: &str) -> String {
    wasm_utils::procurements::query_words(text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_utils::time::FixedOffset;

    #[test]
    fn dates_show_in_the_zone_and_the_year_only_when_another() {
        let now = time::parse_iso_ms("2026-12-07T12:00:00Z", &FixedOffset(0)).unwrap();
        assert_eq!(date_time_in("2026-12-01T21:30:00Z", &FixedOffset(180), now), "2 декабря 00:30");
        assert_eq!(date_time_in("2025-03-05T08:00:00Z", &FixedOffset(0), now), "5 марта 2025 08:00");
        assert_eq!(date_time_in("soon", &FixedOffset(0), now), "soon");
        assert_eq!(day("2026-12-01"), "1.12");
    }

    #[test]
    fn search_terms_are_the_words_lower_cased() {
        assert_eq!(search_terms("  Мёд   АЛТАЙ "), "мёд алтай");
        assert_eq!(money(Money::from_kopecks(150_000)), "1\u{a0}500,00 ₽");
        assert_eq!(rubles(Money::from_kopecks(150_000)), "1\u{a0}500 ₽");
    }
}
