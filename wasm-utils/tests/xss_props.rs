//! Property tests: `format_message_text` never emits markup other than the
//! escaped text, `<br>` and `<a>` links to `http(s)` URLs, and loses no text.

use proptest::prelude::*;
use wasm_utils::format::format_message_text;

const LINK_TAIL: &str = "\" target=\"_blank\" rel=\"noopener\">";

/// Removes the allowed markup, checking each tag on the way; returns the
/// remaining text with `<br>` turned back into `\n`, or why it is unsafe.
fn strip_allowed_markup(html: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '>']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if let Some(after) = rest.strip_prefix("<br>") {
            out.push('\n');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</a>") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("<a href=\"") {
            let end = after.find('"').ok_or("unterminated href")?;
            let href = &after[..end];
            if !(href.starts_with("http://") || href.starts_with("https://")) {
                return Err(format!("href not http(s): {href:?}"));
            }
            if href.chars().any(|c| c.is_whitespace() || "\"'<>".contains(c)) {
                return Err(format!("unsafe character in href: {href:?}"));
            }
            let after = after[end..].strip_prefix(LINK_TAIL).ok_or("unexpected link attributes")?;
            // the link text must be the href itself, then the closing tag
            let after = after.strip_prefix(href).ok_or("link text differs from href")?;
            if !after.starts_with("</a>") {
                return Err("link not closed right after its text".into());
            }
            out.push_str(href);
            rest = &after[4..];
        } else {
            return Err(format!("disallowed markup at {:?}", &rest[..rest.len().min(20)]));
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#x27;", "'").replace("&amp;", "&")
}

fn check(input: &str) -> Result<(), TestCaseError> {
    let html = format_message_text(input);
    let text = strip_allowed_markup(&html).map_err(TestCaseError::fail)?;
    prop_assert!(!text.contains(['<', '>']));
    // nothing lost or invented: the visible text is the input
    prop_assert_eq!(unescape(&text), input);
    Ok(())
}

/// Strings made of the pieces an attacker would combine.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<"),
        Just(">"),
        Just("\""),
        Just("'"),
        Just("&"),
        Just("`"),
        Just("="),
        Just("http://"),
        Just("https://"),
        Just("http:/"),
        Just("javascript:"),
        Just("<a href=\""),
        Just("</a>"),
        Just("<br>"),
        Just("<script>"),
        Just("onerror="),
        Just("&lt;"),
        Just("&quot;"),
        Just("\n"),
        Just(" "),
        Just("\t"),
        Just("\u{a0}"),
        Just("x.ru/"),
        Just("?a=1&b=2"),
        Just("мёд"),
        Just("#"),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        // no regression files written into the repository
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_strings_are_safe(input in any::<String>()) {
        check(&input)?;
    }

    #[test]
    fn hostile_strings_are_safe(input in hostile()) {
        check(&input)?;
    }
}

#[test]
fn checker_rejects_unsafe_markup() {
    assert!(strip_allowed_markup("<script>").is_err());
    assert!(
        strip_allowed_markup("<a href=\"javascript:x\" target=\"_blank\" rel=\"noopener\">javascript:x</a>").is_err()
    );
    assert!(strip_allowed_markup("a<br>b").is_ok());
}
