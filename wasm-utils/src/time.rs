//! Time helpers. Every function takes `now_ms` (and, where local time matters,
//! a [`LocalOffset`]) so native code and tests never touch a JavaScript clock;
//! the wasm exports pass `Date.now()` and the browser's time zone.

pub const MS_PER_MINUTE: f64 = 60_000.0;
pub const MS_PER_HOUR: f64 = 3_600_000.0;
pub const MS_PER_DAY: f64 = 86_400_000.0;

/// The local time zone: minutes east of UTC at a UTC instant (Moscow: +180).
pub trait LocalOffset {
    fn offset_minutes(&self, utc_ms: f64) -> i32;
}

/// A fixed offset, e.g. for the server (UTC) or tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedOffset(pub i32);

impl LocalOffset for FixedOffset {
    fn offset_minutes(&self, _utc_ms: f64) -> i32 {
        self.0
    }
}

/// Remembers the last offset looked up, per 15-minute UTC slot.
///
/// Why: in WebAssembly every lookup is a call into JavaScript (`new Date(ms)
/// .getTimezoneOffset()`), and a chat page asks twice per message. Zone
/// offsets are multiples of 15 minutes and change at local whole hours, so
/// a transition always falls on a 15-minute UTC boundary and a slot never
/// straddles one.
pub struct CachedOffset<'a> {
    inner: &'a dyn LocalOffset,
    last: std::cell::Cell<Option<(i64, i32)>>,
}

impl<'a> CachedOffset<'a> {
    pub fn new(inner: &'a dyn LocalOffset) -> Self {
        Self { inner, last: std::cell::Cell::new(None) }
    }
}

impl LocalOffset for CachedOffset<'_> {
    fn offset_minutes(&self, utc_ms: f64) -> i32 {
        let slot = (utc_ms / (15.0 * MS_PER_MINUTE)).floor() as i64;
        match self.last.get() {
            Some((s, offset)) if s == slot => offset,
            _ => {
                let offset = self.inner.offset_minutes(utc_ms);
                self.last.set(Some((slot, offset)));
                offset
            }
        }
    }
}

/// Whole days left until `deadline_ms`, never negative.
pub fn days_until(deadline_ms: f64, now_ms: f64) -> i32 {
    (((deadline_ms - now_ms) / MS_PER_DAY).trunc() as i32).max(0)
}

/// "только что", "5 мин. назад", "3 ч. назад", "вчера", "4 дн. назад".
pub fn format_relative_time(ts_ms: f64, now_ms: f64) -> String {
    let diff = now_ms - ts_ms;
    // NaN (an unreadable timestamp) also reads as "just now"
    if diff.is_nan() || diff < 60_000.0 {
        return "только что".to_owned();
    }
    if diff < MS_PER_HOUR {
        return format!("{} мин. назад", (diff / MS_PER_MINUTE).floor());
    }
    if diff < MS_PER_DAY {
        return format!("{} ч. назад", (diff / MS_PER_HOUR).floor());
    }
    let days = (diff / MS_PER_DAY).floor();
    if days == 1.0 { "вчера".to_owned() } else { format!("{days} дн. назад") }
}

/// A civil (proleptic Gregorian) date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilDate {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

/// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> CivilDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    CivilDate { year, month, day }
}

/// Civil date → days since 1970-01-01.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Local wall-clock milliseconds (UTC ms shifted by the zone offset).
pub fn local_ms(utc_ms: f64, tz: &dyn LocalOffset) -> f64 {
    utc_ms + f64::from(tz.offset_minutes(utc_ms)) * MS_PER_MINUTE
}

/// Local calendar day number (days since 1970-01-01) of a UTC instant.
pub fn local_day(utc_ms: f64, tz: &dyn LocalOffset) -> i64 {
    (local_ms(utc_ms, tz) / MS_PER_DAY).floor() as i64
}

/// `"HH:MM"` in local time.
pub fn format_hh_mm(utc_ms: f64, tz: &dyn LocalOffset) -> String {
    let of_day = local_ms(utc_ms, tz).rem_euclid(MS_PER_DAY);
    let minutes = (of_day / MS_PER_MINUTE).floor() as i64;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// `"15 января"`, or `"1 декабря 2025"` when the year is not the current one.
pub fn format_ru_date(date: CivilDate, current_year: i64) -> String {
    let month = MONTHS_GENITIVE[(date.month - 1) as usize];
    if date.year == current_year {
        format!("{} {month}", date.day)
    } else {
        format!("{} {month} {}", date.day, date.year)
    }
}

/// Parses ISO 8601 / RFC 3339 as sent by Django and our API into UTC ms.
///
/// `YYYY-MM-DD`, optionally `T`/space + `HH:MM[:SS[.fraction]]`, optionally
/// `Z` or `±HH[:MM]`. Without an offset the time is local (as `Date` does for
/// date-times). Returns `None` for anything else; the JavaScript fallback
/// implements the same grammar instead of trusting `Date.parse`.
pub fn parse_iso_ms(s: &str, tz: &dyn LocalOffset) -> Option<f64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = u32::try_from(num(5, 2)?).ok()?;
    let day = u32::try_from(num(8, 2)?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut i = 10;
    let mut ms_of_day = 0i64;
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        let hour = num(i + 1, 2)?;
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        let minute = num(i + 4, 2)?;
        i += 6;
        let mut second = 0;
        let mut millis = 0;
        if b.get(i) == Some(&b':') {
            second = num(i + 1, 2)?;
            i += 3;
            if matches!(b.get(i), Some(b'.' | b',')) {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    if i - start < 3 {
                        millis = millis * 10 + i64::from(b[i] - b'0');
                    }
                    i += 1;
                }
                match i - start {
                    0 => return None,
                    1 => millis *= 100,
                    2 => millis *= 10,
                    _ => {}
                }
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        ms_of_day = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    }
    let wall = (days_from_civil(year, month, day) * 86_400_000 + ms_of_day) as f64;
    let offset_minutes: Option<i64> = match b.get(i) {
        None => None,
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(0),
        Some(&sign @ (b'+' | b'-')) => {
            let hours = num(i + 1, 2)?;
            let minutes = match b.len() - (i + 3) {
                0 => 0,
                2 => num(i + 3, 2)?,
                3 if b[i + 3] == b':' => num(i + 4, 2)?,
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            Some(if sign == b'-' { -total } else { total })
        }
        _ => return None,
    };
    Some(match offset_minutes {
        Some(off) => wall - (off as f64) * MS_PER_MINUTE,
        None => {
            // local wall time → UTC: guess with the offset at the wall time,
            // then correct with the offset at the guessed instant (DST edges).
            let guess = wall - f64::from(tz.offset_minutes(wall)) * MS_PER_MINUTE;
            wall - f64::from(tz.offset_minutes(guess)) * MS_PER_MINUTE
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTC: FixedOffset = FixedOffset(0);
    const MSK: FixedOffset = FixedOffset(180);
    const NOW: f64 = 1_736_935_200_000.0; // 2025-01-15T10:00:00Z

    #[test]
    fn days_until_truncates_and_clamps() {
        assert_eq!(days_until(NOW + 2.9 * MS_PER_DAY, NOW), 2);
        assert_eq!(days_until(NOW - 5.0 * MS_PER_DAY, NOW), 0);
        assert_eq!(days_until(NOW, NOW), 0);
    }

    #[test]
    fn relative_time() {
        assert_eq!(format_relative_time(NOW - 59_000.0, NOW), "только что");
        assert_eq!(format_relative_time(NOW + 10_000.0, NOW), "только что");
        assert_eq!(format_relative_time(NOW - 5.5 * MS_PER_MINUTE, NOW), "5 мин. назад");
        assert_eq!(format_relative_time(NOW - 3.2 * MS_PER_HOUR, NOW), "3 ч. назад");
        assert_eq!(format_relative_time(NOW - 1.5 * MS_PER_DAY, NOW), "вчера");
        assert_eq!(format_relative_time(NOW - 4.0 * MS_PER_DAY, NOW), "4 дн. назад");
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 10_957, 20_103, 2_932_896] {
            let d = civil_from_days(days);
            assert_eq!(days_from_civil(d.year, d.month, d.day), days);
        }
        assert_eq!(civil_from_days(20_103), CivilDate { year: 2025, month: 1, day: 15 });
    }

    #[test]
    fn ru_dates() {
        let d = |year, month, day| CivilDate { year, month, day };
        assert_eq!(format_ru_date(d(2025, 1, 15), 2025), "15 января");
        assert_eq!(format_ru_date(d(2025, 12, 1), 2026), "1 декабря 2025");
        assert_eq!(format_ru_date(d(2025, 6, 28), 2025), "28 июня");
    }

    #[test]
    fn iso_parsing() {
        assert_eq!(parse_iso_ms("2025-01-15T10:00:00Z", &MSK), Some(NOW));
        assert_eq!(parse_iso_ms("2025-01-15T13:00:00+03:00", &UTC), Some(NOW));
        assert_eq!(parse_iso_ms("2025-01-15T13:00:00.000000+0300", &UTC), Some(NOW));
        assert_eq!(parse_iso_ms("2025-01-15 13:00", &MSK), Some(NOW));
        assert_eq!(parse_iso_ms("2025-01-15T10:00:00.5Z", &UTC), Some(NOW + 500.0));
        assert_eq!(parse_iso_ms("2025-01-15", &UTC), Some(NOW - 10.0 * MS_PER_HOUR));
        for bad in [
            "",
            "2025-1-15",
            "2025-02-30",
            "2025-01-15T25:00",
            "2025-01-15Tx",
            "2025-01-15T10:00Zx",
            "2025-01-15T10:00:00.",
        ] {
            assert_eq!(parse_iso_ms(bad, &UTC), None, "{bad}");
        }
    }

    #[test]
    fn local_clock_helpers() {
        assert_eq!(format_hh_mm(NOW, &MSK), "13:00");
        assert_eq!(format_hh_mm(NOW - 11.0 * MS_PER_HOUR, &UTC), "23:00");
        assert_eq!(local_day(NOW, &UTC), 20_103);
    }
}
