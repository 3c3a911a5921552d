//! Display helpers: money, progress, avatars, HTML-safe message text.

use crate::amount::{FIRST_UNSAFE_INTEGER, decimal_rubles};
use money::{Style, format_rubles};

/// Russian money format of a JavaScript number: `1234567.5` → `"1 234 567,50 ₽"`, kopecks
/// omitted when zero, grouped by the `money` crate like every other amount in the product.
///
/// The number is read as the decimal it is written as (its shortest round-trip text, what
/// `JSON.stringify` prints and what the API's `"1500.00"` strings parse back to) and rounded
/// half up to the kopeck on those digits, never through float arithmetic: `12.345` is
/// `"12,35 ₽"` and `1.005` is `"1,01 ₽"`, as a person reading them expects (the original's
/// `round(fract × 100)` gave `"1 ₽"`). Also unlike the original, the sign is kept when the
/// roubles are 0 (`-0.5` → `"-0,50 ₽"`) and kopecks that round up carry (`999.999` → `"1 000 ₽"`).
///
/// Non-finite input (never produced by JSON) formats as `"0 ₽"`.
pub fn format_currency(amount: f64) -> String {
    if !amount.is_finite() {
        return format_rubles(false, "0", 0, Style::RU_SHORT);
    }
    let abs = amount.abs();
    // From 2^53 on every double is an integer whose shortest text may end in zeros it does not
    // have (2^60 prints as 1152921504606847000), so write the exact integer, as the JavaScript
    // twin does with `BigInt`.
    if abs >= FIRST_UNSAFE_INTEGER {
        return format_rubles(amount < 0.0, &format!("{abs:.0}"), 0, Style::RU_SHORT);
    }
    let (rubles, kopecks) = decimal_rubles(abs);
    let negative = amount < 0.0 && (rubles > 0 || kopecks > 0);
    format_rubles(negative, &rubles.to_string(), kopecks, Style::RU_SHORT)
}

/// Percent of `target` reached, truncated and clamped to 0..=100; 0 when
/// `target` ≤ 0 (or NaN).
pub fn calculate_progress(current: f64, target: f64) -> i32 {
    if target.is_nan() || target <= 0.0 {
        return 0;
    }
    // `as i32` saturates and maps NaN to 0, which the clamp then keeps.
    ((current / target * 100.0) as i32).clamp(0, 100)
}

/// The avatar palette of the original web app.
pub const AVATAR_PALETTE: [&str; 8] =
    ["#e17076", "#faa774", "#a695e7", "#7bc862", "#6ec9cb", "#65aadd", "#ee7aae", "#f5a623"];

/// A stable colour per name: Java-style `hash * 31 + ch` over Unicode scalar
/// values with i32 wrap-around, then `|hash| % 8`.
pub fn get_avatar_color(name: &str) -> &'static str {
    let hash = name.chars().fold(0i32, |hash, ch| (ch as i32).wrapping_add((hash << 5).wrapping_sub(hash)));
    AVATAR_PALETTE[(hash.unsigned_abs() % 8) as usize]
}

/// First character of each name, upper-cased (full Unicode mapping, so `ß`
/// gives `SS`); `"?"` when both are empty.
pub fn get_initials(first_name: &str, last_name: &str) -> String {
    let mut out = String::new();
    for name in [first_name, last_name] {
        if let Some(ch) = name.chars().next() {
            out.extend(ch.to_uppercase());
        }
    }
    if out.is_empty() {
        out.push('?');
    }
    out
}

/// `& < > " '` → `&amp; &lt; &gt; &quot; &#x27;`.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// Chat text as HTML: escaped text, `http(s)://…` runs as links, `\n` as `<br>`.
///
/// XSS-safe by construction: the whole text is escaped first, so the only
/// markup in the output is what this function adds (`<br>` and `<a>` whose
/// `href` is an escaped `http://` / `https://` run, which cannot contain a
/// quote, `<` or whitespace). A URL run ends at whitespace or `<` (after
/// escaping there is no `<`, so in practice at whitespace) and needs at least
/// one character after `://`.
pub fn format_message_text(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let escaped = escape_html(text);
    let mut out = String::with_capacity(escaped.len() + 32);
    let mut rest = escaped.as_str();
    while let Some((start, scheme_len)) = find_url_start(rest) {
        let after = &rest[start + scheme_len..];
        let run = after.find(|c: char| c.is_whitespace() || c == '<').unwrap_or(after.len());
        if run == 0 {
            push_with_breaks(&mut out, &rest[..start + scheme_len]);
            rest = after;
            continue;
        }
        push_with_breaks(&mut out, &rest[..start]);
        let url = &rest[start..start + scheme_len + run];
        out.push_str("<a href=\"");
        out.push_str(url);
        out.push_str("\" target=\"_blank\" rel=\"noopener\">");
        out.push_str(url);
        out.push_str("</a>");
        rest = &after[run..];
    }
    push_with_breaks(&mut out, rest);
    out
}

/// Position and scheme length of the first `http://` or `https://`.
fn find_url_start(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = b[from..].iter().position(|&c| c == b'h') {
        let at = from + pos;
        if b[at..].starts_with(b"http://") {
            return Some((at, 7));
        }
        if b[at..].starts_with(b"https://") {
            return Some((at, 8));
        }
        from = at + 1;
    }
    None
}

fn push_with_breaks(out: &mut String, s: &str) {
    let mut parts = s.split('\n');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("<br>");
        out.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_examples_from_the_original() {
        assert_eq!(format_currency(1234567.5), "1 234 567,50 ₽");
        assert_eq!(format_currency(1000.0), "1 000 ₽");
        assert_eq!(format_currency(0.0), "0 ₽");
        assert_eq!(format_currency(99.5), "99,50 ₽");
        assert_eq!(format_currency(12.345), "12,35 ₽");
        assert_eq!(format_currency(-1234.5), "-1 234,50 ₽");
        assert_eq!(format_currency(1234.56), "1 234,56 ₽");
        assert_eq!(format_currency(999999.0), "999 999 ₽");
    }

    #[test]
    fn currency_rounds_the_written_decimal() {
        assert_eq!(format_currency(1.005), "1,01 ₽");
        assert_eq!(format_currency(2.675), "2,68 ₽");
        assert_eq!(format_currency(0.1 + 0.2), "0,30 ₽");
        assert_eq!(format_currency(9.995), "10 ₽");
        assert_eq!(format_currency(0.0049), "0 ₽");
        assert_eq!(format_currency(1e-7), "0 ₽");
        assert_eq!(format_currency(4_503_599_627_370_495.5), "4 503 599 627 370 495,50 ₽");
        assert_eq!(format_currency(-0.0), "0 ₽");
    }

    #[test]
    fn currency_fixes() {
        assert_eq!(format_currency(-0.5), "-0,50 ₽");
        assert_eq!(format_currency(999.999), "1 000 ₽");
        assert_eq!(format_currency(-999.999), "-1 000 ₽");
        assert_eq!(format_currency(-0.001), "0 ₽");
        assert_eq!(format_currency(f64::NAN), "0 ₽");
        assert_eq!(format_currency(1e20), "100 000 000 000 000 000 000 ₽");
        assert_eq!(format_currency(2f64.powi(60)), "1 152 921 504 606 846 976 ₽");
    }

    #[test]
    fn progress() {
        assert_eq!(calculate_progress(500.0, 1000.0), 50);
        assert_eq!(calculate_progress(0.0, 1000.0), 0);
        assert_eq!(calculate_progress(1500.0, 1000.0), 100);
        assert_eq!(calculate_progress(100.0, 0.0), 0);
        assert_eq!(calculate_progress(-5.0, 10.0), 0);
        assert_eq!(calculate_progress(999.0, 1000.0), 99);
        assert_eq!(calculate_progress(f64::NAN, 10.0), 0);
    }

    #[test]
    fn avatar_colors() {
        assert_eq!(get_avatar_color(""), "#e17076");
        assert_eq!(get_avatar_color("A"), "#faa774");
        assert_eq!(get_avatar_color("Иван"), "#f5a623");
        assert_eq!(get_avatar_color("Тест"), "#6ec9cb");
        assert_eq!(get_avatar_color("John"), "#7bc862");
        assert_eq!(get_avatar_color("Anna"), "#e17076");
        let c = get_avatar_color("Deterministic");
        assert_eq!(c, get_avatar_color("Deterministic"));
        assert!(c.starts_with('#') && c.len() == 7);
    }

    #[test]
    fn initials() {
        assert_eq!(get_initials("Иван", "Петров"), "ИП");
        assert_eq!(get_initials("Anna", ""), "A");
        assert_eq!(get_initials("", "Smith"), "S");
        assert_eq!(get_initials("", ""), "?");
        assert_eq!(get_initials("ßa", "b"), "SSB");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_html(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;");
        assert_eq!(escape_html("привет"), "привет");
    }

    #[test]
    fn message_text_basic_and_newlines() {
        assert_eq!(format_message_text(""), "");
        assert_eq!(format_message_text("Привет"), "Привет");
        assert_eq!(format_message_text("a\nb\n"), "a<br>b<br>");
    }

    #[test]
    fn message_text_escapes_markup() {
        assert_eq!(
            format_message_text("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
        );
    }

    #[test]
    fn message_text_links() {
        assert_eq!(
            format_message_text("see https://example.com/a?b=1&c=2 now"),
            "see <a href=\"https://example.com/a?b=1&amp;c=2\" target=\"_blank\" \
             rel=\"noopener\">https://example.com/a?b=1&amp;c=2</a> now"
        );
        assert_eq!(
            format_message_text("http://x.ru\nnext"),
            "<a href=\"http://x.ru\" target=\"_blank\" rel=\"noopener\">http://x.ru</a><br>next"
        );
        // a quote cannot end the attribute: it is escaped inside the URL
        assert_eq!(
            format_message_text("http://a\"onclick=1"),
            "<a href=\"http://a&quot;onclick=1\" target=\"_blank\" rel=\"noopener\">\
             http://a&quot;onclick=1</a>"
        );
        assert_eq!(format_message_text("http:// x"), "http:// x");
        assert_eq!(format_message_text("javascript:alert(1)"), "javascript:alert(1)");
    }
}
