//! Form validation, with the original's rules and Russian messages.

/// Optional phone: `true` when nothing is entered. Otherwise, after keeping
/// only ASCII digits and `+`, it must be `+` and 10–15 digits.
pub fn validate_phone(phone: &str) -> bool {
    let kept: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    if kept.is_empty() {
        return true;
    }
    match kept.strip_prefix('+') {
        Some(digits) => (11..=16).contains(&kept.len()) && digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// Optional e-mail: `true` when empty. Otherwise exactly one `@`, a non-empty
/// local part and a domain longer than 2 bytes that contains a `.`.
pub fn validate_email(email: &str) -> bool {
    if email.is_empty() {
        return true;
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && domain.len() > 2
}

/// Field → message for the procurement form, in the original's order.
/// An empty list means the form is valid.
///
/// `deadline_ms` must be after `now_ms`; `target_amount` must be > 0 (NaN
/// counts as not positive, which the original let through).
pub fn procurement_form_errors(
    title: &str,
    description: &str,
    city: &str,
    target_amount: f64,
    deadline_ms: f64,
    now_ms: f64,
) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    if title.trim().is_empty() {
        errors.push(("title", "Название обязательно"));
    } else if title.chars().count() > 200 {
        // characters, as the server's `max_length` counts them (not UTF-8 bytes)
        errors.push(("title", "Название не должно превышать 200 символов"));
    }
    if description.trim().is_empty() {
        errors.push(("description", "Описание обязательно"));
    }
    if city.trim().is_empty() {
        errors.push(("city", "Город обязателен"));
    }
    if target_amount.is_nan() || target_amount <= 0.0 {
        errors.push(("target_amount", "Целевая сумма должна быть положительной"));
    }
    if deadline_ms.is_nan() || deadline_ms <= now_ms {
        errors.push(("deadline", "Дедлайн должен быть в будущем"));
    }
    errors
}

/// The JSON object form (`{}` when valid), keys in check order.
pub fn validate_procurement_form(
    title: &str,
    description: &str,
    city: &str,
    target_amount: f64,
    deadline_ms: f64,
    now_ms: f64,
) -> String {
    let errors = procurement_form_errors(title, description, city, target_amount, deadline_ms, now_ms);
    // Built by hand: serde_json's default Map sorts keys, we keep check order.
    let mut out = String::from("{");
    for (i, (field, message)) in errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{field}\":\"{message}\""));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(validate_phone("+79991234567"));
        assert!(validate_phone("+7 (999) 123-45-67"));
        assert!(validate_phone("abc"));
        assert!(validate_phone(""));
        assert!(!validate_phone("79991234567"));
        assert!(!validate_phone("+1234567890123456"));
        assert!(validate_phone("+123456789012345"));
        assert!(!validate_phone("+123456789"));
        assert!(!validate_phone("+7999+1234567"));
    }

    #[test]
    fn emails() {
        assert!(validate_email("a@b.c"));
        assert!(validate_email(""));
        assert!(validate_email("a b@c.d"));
        assert!(validate_email("test@example.com"));
        assert!(!validate_email("a@.c"));
        assert!(!validate_email("a@bc"));
        assert!(!validate_email("@domain.com"));
        assert!(!validate_email("user@"));
        assert!(!validate_email("a@b@c.d"));
    }

    #[test]
    fn form_valid_and_each_error() {
        let now = 1_000_000.0;
        assert_eq!(validate_procurement_form("Мёд", "d", "Москва", 10.0, now + 1.0, now), "{}");
        let all = validate_procurement_form(" ", "", "\t", 0.0, now, now);
        let v: serde_json::Value = serde_json::from_str(&all).unwrap();
        assert_eq!(v["title"], "Название обязательно");
        assert_eq!(v["description"], "Описание обязательно");
        assert_eq!(v["city"], "Город обязателен");
        assert_eq!(v["target_amount"], "Целевая сумма должна быть положительной");
        assert_eq!(v["deadline"], "Дедлайн должен быть в будущем");
        assert!(all.starts_with("{\"title\""), "check order kept: {all}");
        let long = "я".repeat(201);
        let v = validate_procurement_form(&long, "d", "c", 1.0, now + 1.0, now);
        assert!(v.contains("не должно превышать 200"));
        let ok = "я".repeat(200); // 400 bytes, 200 characters: what the server accepts
        assert_eq!(validate_procurement_form(&ok, "d", "c", 1.0, now + 1.0, now), "{}");
        assert!(validate_procurement_form("t", "d", "c", f64::NAN, now + 1.0, now).contains("target_amount"));
    }
}
