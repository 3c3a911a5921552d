//! `ordering=-created_at` on staff lists: a field from the list's own set, `-` for descending.

use crate::error::{DomainError, DomainResult};

/// An `ORDER BY` column chosen from a list's allowed fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sort {
    pub column: &'static str,
    pub descending: bool,
}

impl Sort {
    /// Parses `ordering` against `allowed` (field name, SQL expression); `None` gives `default`.
    pub fn parse(ordering: Option<&str>, allowed: &[(&str, &'static str)], default: Sort) -> DomainResult<Sort> {
        let Some(ordering) = ordering.map(str::trim).filter(|o| !o.is_empty()) else {
            return Ok(default);
        };
        let (descending, name) = match ordering.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, ordering),
        };
        match allowed.iter().find(|(field, _)| *field == name) {
            Some((_, column)) => Ok(Sort { column, descending }),
            None => {
                let names: Vec<&str> = allowed.iter().map(|(field, _)| *field).collect();
                Err(DomainError::invalid(
                    "ordering",
                    format!("one of {}, optionally prefixed with '-'", names.join(", ")),
                ))
            }
        }
    }

    /// The `ORDER BY` clause, with `tiebreak` (a unique column) so pages never overlap.
    pub fn clause(self, tiebreak: &str) -> String {
        let dir = if self.descending { "DESC" } else { "ASC" };
        format!("{} {dir}, {tiebreak} {dir}", self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED: &[(&str, &str)] = &[("id", "u.id"), ("created_at", "u.created_at")];
    const DEFAULT: Sort = Sort { column: "u.created_at", descending: true };

    #[test]
    fn names_from_the_list_only() {
        assert_eq!(Sort::parse(None, ALLOWED, DEFAULT).unwrap(), DEFAULT);
        assert_eq!(Sort::parse(Some("id"), ALLOWED, DEFAULT).unwrap(), Sort { column: "u.id", descending: false });
        assert_eq!(Sort::parse(Some("-id"), ALLOWED, DEFAULT).unwrap().clause("u.id"), "u.id DESC, u.id DESC");
        assert!(Sort::parse(Some("password_hash"), ALLOWED, DEFAULT).is_err());
        assert!(Sort::parse(Some("--id"), ALLOWED, DEFAULT).is_err());
    }
}
