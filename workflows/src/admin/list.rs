//! What the staff lists share: an ordering chosen among named fields, and a time window given as
//! dates or instants. Both are checked here, so a bad value is a 400 naming it.

use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, QueryBuilder};

/// The page a staff list answers: `page` (1-based) and `page_size` (1 to 100, 20 by default).
pub fn page(page: Option<i64>, page_size: Option<i64>) -> DomainResult<crate::page::PageRequest> {
    crate::page::PageRequest::sized(page, page_size)
}

/// Most ids one bulk action takes.
pub const MAX_BULK_IDS: usize = 1000;

/// The ids of a bulk action: at least one, at most [`MAX_BULK_IDS`].
pub fn bulk_ids(ids: &[i64]) -> DomainResult<()> {
    if ids.is_empty() {
        return Err(DomainError::invalid("ids", "give at least one id"));
    }
    if ids.len() > MAX_BULK_IDS {
        return Err(DomainError::invalid("ids", format!("at most {MAX_BULK_IDS} at once")));
    }
    Ok(())
}

/// ` ORDER BY …` for `requested` (a field name, `-` for descending), one of `fields` (name, SQL
/// column); `default` when absent. The last of `fields` breaks ties in the same direction.
pub fn order_by(requested: Option<&str>, fields: &[(&str, &str)], default: &str) -> DomainResult<String> {
    let wanted = requested.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(default);
    let (descending, name) = match wanted.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, wanted),
    };
    let Some((_, column)) = fields.iter().find(|(n, _)| *n == name) else {
        let known: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        return Err(DomainError::invalid("ordering", format!("one of {} (with - for descending)", known.join(", "))));
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let tie = fields.last().map(|(_, c)| *c).unwrap_or(column);
    Ok(if tie == *column {
        format!(" ORDER BY {column} {direction}")
    } else {
        format!(" ORDER BY {column} {direction}, {tie} {direction}")
    })
}

/// A time window: from (inclusive) and to (a date covers its whole day).
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

impl Window {
    /// Reads `date_from` and `date_to`: `2026-12-01` or an RFC 3339 instant each.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> DomainResult<Self> {
        let from = from.map(|s| instant("date_from", s, false)).transpose()?;
        let until = to.map(|s| instant("date_to", s, true)).transpose()?;
        if let (Some(from), Some(until)) = (from, until)
            && from >= until
        {
            return Err(DomainError::invalid("date_to", "must not be before date_from"));
        }
        Ok(Self { from, until })
    }

    /// ` AND column >= from AND column < until`, for the bounds given.
    pub fn push(&self, q: &mut QueryBuilder<Postgres>, column: &str) {
        if let Some(from) = self.from {
            q.push(format!(" AND {column} >= ")).push_bind(from);
        }
        if let Some(until) = self.until {
            q.push(format!(" AND {column} < ")).push_bind(until);
        }
    }
}

fn instant(field: &'static str, value: &str, end: bool) -> DomainResult<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let day = if end { day.succ_opt().unwrap_or(day) } else { day };
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    let at = DateTime::parse_from_rfc3339(value)
        .map_err(|_| DomainError::invalid(field, "a date (2026-12-01) or an RFC 3339 time"))?
        .with_timezone(&Utc);
    // an instant given as the end is included
    Ok(if end { at + chrono::Duration::microseconds(1) } else { at })
}

/// `%text%` for ILIKE, with the pattern's own wildcards taken literally.
pub fn contains(text: &str) -> String {
    let escaped = text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orderings_are_checked_and_break_ties_by_the_last_field() {
        let fields = [("created_at", "p.created_at"), ("id", "p.id")];
        assert_eq!(order_by(None, &fields, "-created_at").unwrap(), " ORDER BY p.created_at DESC, p.id DESC");
        assert_eq!(order_by(Some("id"), &fields, "-created_at").unwrap(), " ORDER BY p.id ASC");
        assert!(order_by(Some("password"), &fields, "id").is_err());
        assert!(order_by(Some("-"), &fields, "id").is_err());
    }

    #[test]
    fn windows_take_dates_and_instants_and_refuse_the_rest() {
        let w = Window::parse(Some("2026-12-01"), Some("2026-12-01")).unwrap();
        assert_eq!(w.until.unwrap() - w.from.unwrap(), chrono::Duration::days(1));
        assert!(Window::parse(Some("2026-12-01T10:00:00Z"), None).is_ok());
        assert!(Window::parse(Some("yesterday"), None).is_err());
        assert!(Window::parse(Some("2026-12-02"), Some("2026-12-01")).is_err());
        assert!(page(Some(1), Some(101)).is_err() && page(Some(0), None).is_err());
    }
}
