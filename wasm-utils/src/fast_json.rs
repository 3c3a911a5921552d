//! A fast reader for procurement lists, with `serde_json` as the referee.
//!
//! Why: loading the list is the larger half of the web app's workflow, and
//! `serde_json`'s generic machinery (a visitor call per key and value, an
//! `Option` per field) was a third of it in WebAssembly. This reader knows the
//! one shape we read and goes straight through the text.
//!
//! It is deliberately conservative: on anything it does not handle itself
//! (nested values in unknown fields, a key with escapes, a lone surrogate,
//! any syntax or shape error, …) it gives up and returns `None`, and the
//! caller parses with `serde_json`, which then gives the same list or the
//! error. So the answers and the errors are `serde_json`'s by construction;
//! `tests::agrees_with_serde_on_mutated_inputs` checks it on thousands of
//! broken and odd inputs.

use crate::json::{Amount, Int, is_decimal_string};
use crate::messages::{Message, MessageUser};
use crate::procurements::Procurement;
use std::borrow::Cow;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Calls `item` for every procurement of the JSON array `json`, in order.
/// `None`: parse with `serde_json` instead (the items already passed to
/// `item` must then be thrown away).
pub fn for_each_procurement<'a>(json: &'a str, mut item: impl FnMut(Procurement<'a>)) -> Option<()> {
    for_each(json, |r| {
        item(r.procurement()?);
        Some(())
    })
}

/// The same for a list of chat messages.
pub fn for_each_message<'a>(json: &'a str, mut item: impl FnMut(Message<'a>)) -> Option<()> {
    for_each(json, |r| {
        item(r.message()?);
        Some(())
    })
}

fn for_each<'a>(json: &'a str, mut item: impl FnMut(&mut Reader<'a>) -> Option<()>) -> Option<()> {
    let mut r = Reader { s: json, b: json.as_bytes(), i: 0 };
    r.ws();
    r.eat(b'[')?;
    r.ws();
    if r.eat(b']').is_none() {
        loop {
            item(&mut r)?;
            r.ws();
            match r.next()? {
                b',' => r.ws(),
                b']' => break,
                _ => return None,
            }
        }
    }
    r.ws();
    (r.i == r.b.len()).then_some(())
}

/// A JSON value's number text, split by what it needs.
enum Number<'a> {
    /// `-?digits`: parsed like `serde_json` parses integers.
    Integer(&'a str),
    /// With a fraction or an exponent: handed to `serde_json` as is.
    Float(&'a str),
}

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    /// Steps over `c` if it is next.
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn literal(&mut self, text: &[u8]) -> Option<()> {
        let end = self.i + text.len();
        (self.b.get(self.i..end)? == text).then(|| self.i = end)
    }

    /// `{ "key": value, … }`, calling `field` with each key (borrowed: keys
    /// with escapes give up) once the reader stands on the value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            self.ws();
            let Cow::Borrowed(key) = self.string()? else {
                return None; // escaped key: rare, let serde_json match it
            };
            self.ws();
            self.eat(b':')?;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    fn message(&mut self) -> Option<Message<'a>> {
        let mut m = Message::default();
        self.object(|r, key| {
            match key {
                "id" => m.id = r.opt_int()?,
                "text" => m.text = r.opt_string()?.unwrap_or_default(),
                "user" => m.user = if r.null() { None } else { Some(r.user()?) },
                "message_type" => m.message_type = r.opt_string()?,
                "created_at" => m.created_at = r.opt_string()?,
                _ => r.skip_scalar()?,
            }
            Some(())
        })?;
        Some(m)
    }

    fn user(&mut self) -> Option<MessageUser<'a>> {
        let mut u = MessageUser::default();
        self.object(|r, key| {
            match key {
                "id" => u.id = r.opt_int()?,
                "first_name" => u.first_name = r.opt_string()?,
                "last_name" => u.last_name = r.opt_string()?,
                _ => r.skip_scalar()?,
            }
            Some(())
        })?;
        Some(u)
    }

    fn opt_int(&mut self) -> Option<Option<i64>> {
        if self.null() { Some(None) } else { self.int().map(Some) }
    }

    fn procurement(&mut self) -> Option<Procurement<'a>> {
        self.eat(b'{')?;
        let mut p = Procurement::default();
        let (mut id, mut title) = (None, None);
        self.ws();
        if self.eat(b'}').is_some() {
            return None; // no id: serde_json reports it
        }
        loop {
            self.ws();
            let key = self.string()?;
            let Cow::Borrowed(key) = key else {
                return None; // escaped key: rare, let serde_json match it
            };
            self.ws();
            self.eat(b':')?;
            self.ws();
            match key {
                "id" => id = Some(self.int()?),
                "title" => title = Some(self.string()?),
                "description" => p.description = self.opt_string()?,
                "city" => p.city = self.opt_string()?,
                "status" => p.status = self.opt_string()?,
                "current_amount" => p.current_amount = self.opt_amount()?.unwrap_or(0.0),
                "target_amount" => p.target_amount = self.opt_amount()?,
                "deadline" => p.deadline = self.opt_string()?,
                "participant_count" => {
                    p.participant_count = if self.null() { 0 } else { self.int()? };
                }
                "category" => p.category = self.opt_string()?,
                "organizer_name" => p.organizer_name = self.opt_string()?,
                "created_at" => p.created_at = self.opt_string()?,
                _ => self.skip_scalar()?,
            }
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        p.id = id?;
        p.title = title?;
        Some(p)
    }

    fn null(&mut self) -> bool {
        self.literal(b"null").is_some()
    }

    fn opt_string(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.null() { Some(None) } else { self.string().map(Some) }
    }

    fn int(&mut self) -> Option<i64> {
        match self.number()? {
            Number::Integer(text) => parse_integer(text).and_then(|v| i64::try_from(v).ok()),
            Number::Float(text) => serde_json::from_str::<Int>(text).ok().map(|i| i.0),
        }
    }

    fn opt_amount(&mut self) -> Option<Option<f64>> {
        if self.null() {
            return Some(None);
        }
        if self.peek()? == b'"' {
            let text = self.string()?;
            return match text.parse::<f64>() {
                Ok(x) if is_decimal_string(&text) && x.is_finite() => Some(Some(x)),
                _ => None,
            };
        }
        match self.number()? {
            // serde_json: visit_i64 / visit_u64, then `as f64`
            Number::Integer(text) => parse_integer(text).map(|v| Some(v.to_f64())),
            Number::Float(text) => serde_json::from_str::<Amount>(text).ok().map(|a| Some(a.0)),
        }
    }

    /// The value of a field we do not read: a string, number, `true`,
    /// `false` or `null`. Objects and arrays give up.
    fn skip_scalar(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(drop),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<Number<'a>> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digit()?;
            self.digits();
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digit()?;
            self.digits();
            float = true;
        }
        let text = &self.s[start..self.i];
        // serde_json reads `-0` as the float -0.0
        Some(if float || text == "-0" { Number::Float(text) } else { Number::Integer(text) })
    }

    fn digit(&mut self) -> Option<()> {
        self.next()?.is_ascii_digit().then_some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    /// A string, borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            self.i = special_byte(self.b, self.i)?;
            match self.b[self.i] {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.i += 2; // the escape's letter is checked by `unescape`
                }
                _ => return None, // a control character
            }
        }
        let raw = self.s.get(start..self.i)?;
        self.i += 1;
        if escaped { unescape(raw).map(Cow::Owned) } else { Some(Cow::Borrowed(raw)) }
    }
}

/// `-?digits` as `serde_json` reads an integer: an `i64` when negative, a
/// `u64` otherwise; out of range gives up (`serde_json` reads those as
/// floats).
enum Integer {
    Negative(i64),
    Positive(u64),
}

impl TryFrom<Integer> for i64 {
    type Error = ();
    fn try_from(v: Integer) -> Result<i64, ()> {
        match v {
            Integer::Negative(n) => Ok(n),
            Integer::Positive(n) => i64::try_from(n).map_err(drop),
        }
    }
}

impl Integer {
    fn to_f64(&self) -> f64 {
        match *self {
            Integer::Negative(n) => n as f64,
            Integer::Positive(n) => n as f64,
        }
    }
}

fn parse_integer(text: &str) -> Option<Integer> {
    if text.starts_with('-') {
        text.parse().ok().map(Integer::Negative)
    } else {
        text.parse().ok().map(Integer::Positive)
    }
}

/// Position of the first `"`, `\` or control character at or after `from`.
fn special_byte(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let quote = w ^ (LO * u64::from(b'"'));
        let backslash = w ^ (LO * u64::from(b'\\'));
        // a borrow into the high bit flags a byte below the subtrahend; the
        // lowest flagged byte is always a true one
        let flags = (quote.wrapping_sub(LO) & !quote)
            | (backslash.wrapping_sub(LO) & !backslash)
            | (w.wrapping_sub(LO * 0x20) & !w);
        let flags = flags & HI;
        if flags != 0 {
            return Some(i + (flags.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).map(|k| i + k)
}

/// The contents of a JSON string with escapes, as `serde_json` decodes them;
/// `None` for an invalid escape or a lone surrogate (`serde_json` rejects
/// both).
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(k) = rest.find('\\') {
        out.push_str(&rest[..k]);
        let b = rest.as_bytes();
        let (ch, used) = match *b.get(k + 1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => {
                let hi = hex4(rest.get(k + 2..k + 6)?)?;
                match hi {
                    0xD800..=0xDBFF => {
                        if rest.get(k + 6..k + 8)? != "\\u" {
                            return None;
                        }
                        let lo = hex4(rest.get(k + 8..k + 12)?)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return None;
                        }
                        (char::from_u32(0x1_0000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?, 12)
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => (char::from_u32(hi)?, 6),
                }
            }
            _ => return None,
        };
        out.push(ch);
        rest = &rest[k + used..];
    }
    out.push_str(rest);
    Some(out)
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() != 4 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procurements::parse_procurements_serde;

    fn fast(json: &str) -> Option<Vec<Procurement<'_>>> {
        let mut items = Vec::new();
        for_each_procurement(json, |p| items.push(p)).map(|()| items)
    }

    /// Whatever the fast reader accepts, serde_json reads the same; whatever
    /// serde_json rejects, the fast reader gives up on.
    fn check(json: &str) {
        let reference = parse_procurements_serde(json);
        match (fast(json), reference) {
            (Some(items), Ok(expected)) => assert_eq!(items, expected, "{json}"),
            (Some(_), Err(e)) => panic!("fast reader accepted what serde_json rejects ({e}): {json}"),
            (None, _) => {}
        }
    }

    const BASE: &str = r#" [ {"id":1,"title":"Мёд — \"партия\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 x","description":"Натуральный мёд",
        "city":"Москва","status":"active","current_amount":"1000.50","target_amount":2000,"participant_count":5,
        "organizer_name":null,"created_at":"2025-01-02T10:00:00Z","deadline":"2025-02-01","progress":0.5,
        "category":"food","extra":true,"more":false,"none":null,"s":"x"},
       {"title":"t","id":-0,"current_amount":-0,"target_amount":1.5e3,"participant_count":null,"id":2},
       {"id":3.0,"title":"","current_amount":12345678901234567890,"target_amount":-7} ] "#;

    #[test]
    fn reads_what_serde_json_reads() {
        let items = fast(BASE).expect("the fast reader handles this list");
        assert_eq!(items, parse_procurements_serde(BASE).unwrap());
        assert!(matches!(items[0].city, Some(Cow::Borrowed(_))));
        assert!(fast("[]").unwrap().is_empty());
        for json in [crate::procurements::tests::sample_json(), crate::benchmark::synthetic_procurements_json(100)] {
            assert_eq!(fast(&json).expect("handled"), parse_procurements_serde(&json).unwrap());
        }
        assert!(fast(" [ ] ").unwrap().is_empty());
        // given up on, for serde_json to decide
        for odd in [
            r#"[{"id":1,"title":"t","nested":{"a":1}}]"#,
            r#"[{"id":1,"title":"t","list":[]}]"#,
            r#"[{"i\u0064":1,"title":"t"}]"#,
            r#"[{"id":1,"title":"\ud800"}]"#,
        ] {
            assert!(fast(odd).is_none(), "{odd}");
            check(odd);
        }
    }

    fn fast_messages(json: &str) -> Option<Vec<Message<'_>>> {
        let mut items = Vec::new();
        for_each_message(json, |m| items.push(m)).map(|()| items)
    }

    fn check_messages(json: &str) {
        match (fast_messages(json), crate::messages::parse_messages_serde(json)) {
            (Some(items), Ok(expected)) => assert_eq!(items, expected, "{json}"),
            (Some(_), Err(e)) => panic!("fast reader accepted what serde_json rejects ({e}): {json}"),
            (None, _) => {}
        }
    }

    const MESSAGES: &str = r#"[{"id":1,"text":"Привет\n<b>\"x\"</b>","user":{"id":10,"first_name":"Иван","last_name":null,"x":1},
        "message_type":"text","created_at":"2024-12-31T09:05:00Z","extra":null},{},{"user":null,"text":null,"id":null},
        {"user":{},"id":-0}]"#;

    #[test]
    fn messages_agree_with_serde() {
        assert_eq!(fast_messages(MESSAGES).expect("handled"), crate::messages::parse_messages_serde(MESSAGES).unwrap());
        let bytes: Vec<usize> = MESSAGES.char_indices().map(|(i, _)| i).chain([MESSAGES.len()]).collect();
        for (k, &at) in bytes.iter().enumerate() {
            let next = bytes.get(k + 1).copied().unwrap_or(at);
            for ins in ["", "\"", "\\", ",", ":", " ", "0", "{", "}", "[", "]", "n", "\u{1}", "1.5"] {
                check_messages(&format!("{}{}{}", &MESSAGES[..at], ins, &MESSAGES[at..]));
                check_messages(&format!("{}{}{}", &MESSAGES[..at], ins, &MESSAGES[next..]));
            }
        }
        for json in ["[]", "[{\"user\":5}]", "[{\"user\":[]}]", "[{\"id\":1.0}]", "[{\"id\":\"1\"}]", "{}", "[1]"] {
            check_messages(json);
        }
    }

    #[test]
    fn agrees_with_serde_on_mutated_inputs() {
        let inserts =
            ["", "\"", "\\", ",", ":", " ", "0", "-", ".", "e", "{", "}", "[", "]", "n", "\u{1}", "1", "\\u", "ё", "x"];
        let bytes: Vec<usize> = BASE.char_indices().map(|(i, _)| i).chain([BASE.len()]).collect();
        for (k, &at) in bytes.iter().enumerate() {
            let next = bytes.get(k + 1).copied().unwrap_or(at);
            for ins in inserts {
                // insert before the character at `at`, and replace it
                check(&format!("{}{}{}", &BASE[..at], ins, &BASE[at..]));
                check(&format!("{}{}{}", &BASE[..at], ins, &BASE[next..]));
            }
        }
        for json in [
            "",
            "[",
            "]",
            "[1]",
            "[{}]",
            "{}",
            "[{\"id\":1}]",
            "[{\"title\":\"t\"}]",
            "[{\"id\":01,\"title\":\"t\"}]",
            "[{\"id\":1,\"title\":\"t\"},]",
            "[{\"id\":1,\"title\":\"t\",}]",
            "[{\"id\":1,\"title\":\"t\"}] x",
            "[{\"id\":9223372036854775807,\"title\":\"t\"}]",
            "[{\"id\":9223372036854775808,\"title\":\"t\"}]",
            "[{\"id\":-9223372036854775808,\"title\":\"t\"}]",
            "[{\"id\":-9223372036854775809,\"title\":\"t\"}]",
            "[{\"id\":1e3,\"title\":\"t\",\"current_amount\":1e400}]",
            "[{\"id\":1,\"title\":\"t\",\"current_amount\":\"1e400\"}]",
            "[{\"id\":1,\"title\":\"t\",\"current_amount\":\" 1\"}]",
            "[{\"id\":1,\"title\":\"t\",\"target_amount\":\"-0\"}]",
            "[{\"id\":1,\"title\":\"t\",\"current_amount\":0.1e1,\"target_amount\":123456789012345678}]",
            "[{\"id\":1,\"title\":\"a\\u0000b\\uDBFF\\uDFFF\"}]",
            "[{\"id\":1,\"title\":\"\\uD800\\u0041\"}]",
        ] {
            check(json);
        }
    }
}
