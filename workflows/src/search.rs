//! Turning what a person typed into a safe `ILIKE` pattern.

/// `%text%` with `%`, `_` and `\` escaped, so they match themselves.
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_match_themselves() {
        assert_eq!(super::contains_pattern(" 50%_off\\ "), "%50\\%\\_off\\\\%");
    }
}
