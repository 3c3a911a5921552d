//! Moments in the page's language: web-kit words dates in Russian, so English gets its own
//! words here over the same wasm-utils calendar (the browser's time zone).

use crate::i18n::Lang;
use wasm_utils::time;
use web_kit::display::{self, BrowserZone};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `15 января 14:05` / `15 Jan 14:05` (the year added when not the current one).
pub fn date_time(lang: Lang, iso: &str) -> String {
    if lang == Lang::Ru {
        return display::date_time(iso);
    }
    let Some(ms) = time::parse_iso_ms(iso, &BrowserZone) else { return iso.to_owned() };
    let date = time::civil_from_days(time::local_day(ms, &BrowserZone));
    let this_year = time::civil_from_days(time::local_day(js_sys::Date::now(), &BrowserZone)).year;
    let month = MONTHS[(date.month.clamp(1, 12) - 1) as usize];
    let year = if date.year == this_year { String::new() } else { format!(" {}", date.year) };
    format!("{} {month}{year} {}", date.day, time::format_hh_mm(ms, &BrowserZone))
}

/// `5 мин. назад` / `5 min ago`.
pub fn ago(lang: Lang, iso: &str) -> String {
    if lang == Lang::Ru {
        return display::relative(iso);
    }
    let Some(ms) = time::parse_iso_ms(iso, &BrowserZone) else { return iso.to_owned() };
    let minutes = ((js_sys::Date::now() - ms) / 60_000.0).floor().max(0.0) as i64;
    match minutes {
        0 => "just now".into(),
        m if m < 60 => format!("{m} min ago"),
        m if m < 24 * 60 => format!("{} h ago", m / 60),
        m if m < 7 * 24 * 60 => format!("{} d ago", m / (24 * 60)),
        _ => date_time(lang, iso),
    }
}
