//! Checks for the contact details collected at registration.
//!
//! They follow the original bot's regular expressions (written out by hand,
//! so the crate needs no regex engine), each returning the normalised value
//! to store.

/// Longest email the `users.email` column holds.
const MAX_EMAIL_LEN: usize = 254;

/// A name in one alphabet, Cyrillic or Latin, 2–50 characters
/// (original: `^[\u0400-\u04FF\s]{2,50}$|^[a-zA-Z\s]{2,50}$`). Runs of spaces
/// are collapsed so "  Иван   Петров " is stored as "Иван Петров".
pub fn name(input: &str) -> Option<String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = name.chars().count();
    if !(2..=50).contains(&len) {
        return None;
    }
    let letters = || name.chars().filter(|c| *c != ' ');
    let cyrillic = letters().all(|c| ('\u{0400}'..='\u{04FF}').contains(&c) && c.is_alphabetic());
    let latin = letters().all(|c| c.is_ascii_alphabetic());
    (cyrillic || latin).then_some(name)
}

/// A phone number as `^\+?[1-9]\d{10,14}$`, always stored with a leading '+'.
///
/// Spaces, dashes and brackets are ignored ("+7 (999) 123-45-67"), and the
/// Russian trunk form "8 999 123-45-67" (11 digits, no '+') becomes "+79991234567";
/// without that, the original stored such numbers as "+8…".
pub fn phone(input: &str) -> Option<String> {
    let compact: String = input.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '\u{a0}')).collect();
    let (had_plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if !(11..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    if !had_plus && digits.len() == 11 && digits.starts_with('8') {
        return Some(format!("+7{}", &digits[1..]));
    }
    Some(format!("+{digits}"))
}

/// An email as `^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`, lower-cased.
pub fn email(input: &str) -> Option<String> {
    let email = input.trim().to_lowercase();
    if email.len() > MAX_EMAIL_LEN {
        return None;
    }
    let (local, domain) = email.split_once('@')?;
    let local_ok = !local.is_empty() && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let (host, tld) = domain.rsplit_once('.')?;
    let host_ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b));
    let tld_ok = tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic());
    (local_ok && host_ok && tld_ok).then_some(email)
}

/// What a user types to skip an optional answer. Phones often turn "-" into a dash.
pub fn is_skip(input: &str) -> bool {
    matches!(input.trim(), "-" | "–" | "—")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_original_tests() {
        for valid in ["John", "John Doe", "Ivan", "Иван", "Анна Мария", "Ёжик"] {
            assert!(name(valid).is_some(), "{valid}");
        }
        for invalid in ["J", "123", "", "   ", "Ivan Иван", "R2D2", "Jo_hn"] {
            assert!(name(invalid).is_none(), "{invalid}");
        }
    }

    #[test]
    fn names_are_tidied_and_limited() {
        assert_eq!(name("  Иван   Петров ").as_deref(), Some("Иван Петров"));
        assert!(name(&"a".repeat(50)).is_some());
        assert!(name(&"a".repeat(51)).is_none());
        assert!(name(&"я".repeat(50)).is_some());
    }

    #[test]
    fn phones_from_the_original_tests() {
        assert_eq!(phone("+79991234567").as_deref(), Some("+79991234567"));
        assert_eq!(phone("79991234567").as_deref(), Some("+79991234567"));
        assert_eq!(phone("+1234567890123").as_deref(), Some("+1234567890123"));
        for invalid in ["123", "", "not a phone"] {
            assert!(phone(invalid).is_none(), "{invalid}");
        }
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(phone("+7 (999) 123-45-67").as_deref(), Some("+79991234567"));
        assert_eq!(phone("8 999 123 45 67").as_deref(), Some("+79991234567"));
        // with an explicit '+', an 8 is a country code and kept
        assert_eq!(phone("+81234567890").as_deref(), Some("+81234567890"));
        assert!(phone("+09991234567").is_none());
        assert!(phone("+7999123456").is_none());
        assert!(phone("+7999123456789012").is_none());
        assert!(phone("++79991234567").is_none());
        assert!(phone("+7999l234567").is_none());
    }

    #[test]
    fn emails_from_the_original_tests() {
        assert_eq!(email("test@example.com").as_deref(), Some("test@example.com"));
        assert_eq!(email("user.name@domain.org").as_deref(), Some("user.name@domain.org"));
        for invalid in ["not an email", "@domain.com", "user@"] {
            assert!(email(invalid).is_none(), "{invalid}");
        }
    }

    #[test]
    fn emails_edge_cases() {
        assert_eq!(email(" Ivan@Mail.RU ").as_deref(), Some("ivan@mail.ru"));
        assert!(email("a+tag@sub.example.co").is_some());
        assert!(email("a@b@c.com").is_none());
        assert!(email("a@example.c").is_none());
        assert!(email("a@example.c0m").is_none());
        assert!(email("a@.com").is_none());
        assert!(email("иван@почта.рф").is_none());
        assert!(email(&format!("{}@example.com", "a".repeat(250))).is_none());
    }

    #[test]
    fn skip_markers() {
        assert!(is_skip("-"));
        assert!(is_skip(" — "));
        assert!(!is_skip("--"));
        assert!(!is_skip("нет"));
    }
}
