//! UTF-8 → UTF-16 for handing large strings to JavaScript.
//!
//! Why: `wasm-bindgen` returns a `String` through `TextDecoder` (UTF-8), which
//! Node.js 20 decodes at ~300 MB/s when the text is not ASCII: for the
//! one-shot JSON functions, whose results are mostly Cyrillic, that decoding
//! was 40–50% of the whole call. A JS string is UTF-16 inside V8, so handing
//! it UTF-16 units makes the last step a copy (`Buffer#toString('ucs2')`, or
//! `TextDecoder('utf-16le')` in browsers).

const HI: u64 = 0x8080_8080_8080_8080;
const LO: u64 = 0x0101_0101_0101_0101;

/// Eight bytes that need no work: ASCII, and for JSON strings no control
/// character, `"` or `\`.
fn plain_ascii(w: u64, json: bool) -> bool {
    if w & HI != 0 {
        return false;
    }
    if !json {
        return true;
    }
    // a borrow into the high bit flags a byte below the subtrahend (any
    // false positive sits above a true one, so the yes/no answer is exact)
    let control = w.wrapping_sub(LO * 0x20) & !w & HI;
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let quote = has_zero(w ^ (LO * u64::from(b'"')));
    let backslash = has_zero(w ^ (LO * u64::from(b'\\')));
    control | quote | backslash == 0
}

/// Appends `s` as UTF-16; with `json`, escaped exactly as `serde_json`
/// escapes string contents.
fn push_units(out: &mut Vec<u16>, s: &str, json: bool) {
    let b = s.as_bytes();
    out.reserve(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            // eight at a time inside ASCII runs (not tried inside Cyrillic
            // ones, where it would fail every time)
            if let Some(chunk) = b.get(i..i + 8)
                && plain_ascii(u64::from_le_bytes(chunk.try_into().unwrap_or_default()), json)
            {
                out.extend(chunk.iter().map(|&byte| u16::from(byte)));
                i += 8;
                continue;
            }
            if json && (c < 0x20 || c == b'"' || c == b'\\') {
                push_escape(out, c);
            } else {
                out.push(u16::from(c));
            }
            i += 1;
        } else if c < 0xE0 {
            // a run of two-byte characters (a Cyrillic word) in one go
            let mut end = i + 2;
            while end + 1 < b.len() && (0xC0..0xE0).contains(&b[end]) {
                end += 2;
            }
            out.extend(b[i..end].chunks_exact(2).map(|p| (u16::from(p[0] & 0x1F) << 6) | u16::from(p[1] & 0x3F)));
            i = end;
        } else if c < 0xF0 {
            out.push((u16::from(c & 0x0F) << 12) | (u16::from(b[i + 1] & 0x3F) << 6) | u16::from(b[i + 2] & 0x3F));
            i += 3;
        } else {
            let cp = (u32::from(c & 0x07) << 18)
                | (u32::from(b[i + 1] & 0x3F) << 12)
                | (u32::from(b[i + 2] & 0x3F) << 6)
                | u32::from(b[i + 3] & 0x3F);
            let v = cp - 0x1_0000;
            out.push(0xD800 | (v >> 10) as u16);
            out.push(0xDC00 | (v & 0x3FF) as u16);
            i += 4;
        }
    }
}

fn push_escape(out: &mut Vec<u16>, c: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match c {
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        b'"' => b'"',
        b'\\' => b'\\',
        _ => 0,
    };
    if short != 0 {
        out.extend([u16::from(b'\\'), u16::from(short)]);
    } else {
        out.extend([b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xF)]].map(u16::from));
    }
}

/// A JSON text written straight as UTF-16, with the same bytes (as UTF-16)
/// that `serde_json::to_string` gives for the same values.
#[derive(Default)]
pub struct Utf16Json {
    pub out: Vec<u16>,
    number: Vec<u8>,
}

impl Utf16Json {
    pub fn with_capacity(units: usize) -> Self {
        Self { out: Vec::with_capacity(units), number: Vec::new() }
    }

    /// Punctuation and keys: ASCII written as is.
    pub fn raw(&mut self, ascii: &str) {
        push_units(&mut self.out, ascii, false);
    }

    pub fn string(&mut self, s: &str) {
        self.out.push(u16::from(b'"'));
        push_units(&mut self.out, s, true);
        self.out.push(u16::from(b'"'));
    }

    pub fn opt_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.raw("null"),
        }
    }

    /// Any other value, formatted by `serde_json` (numbers, booleans).
    pub fn value<T: serde::Serialize + ?Sized>(&mut self, v: &T) {
        self.number.clear();
        if serde_json::to_writer(&mut self.number, v).is_ok() {
            self.out.extend(self.number.iter().map(|&b| u16::from(b)));
        }
    }

    /// `"key":` (keys are ASCII with nothing to escape).
    pub fn key(&mut self, first: bool, key: &str) {
        if !first {
            self.out.push(u16::from(b','));
        }
        self.out.push(u16::from(b'"'));
        self.raw(key);
        self.raw("\":");
    }
}

/// The UTF-16 code units of `s` (as `str::encode_utf16`, faster).
pub fn utf16_units(s: &str) -> Vec<u16> {
    let mut out = Vec::new();
    push_units(&mut out, s, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_like_serde_json() {
        let mut all: Vec<String> = (0u8..0x80).map(|c| format!("ab{}cdefghij", c as char)).collect();
        all.extend(
            ["", "\"\\\u{1}\u{1f}\u{7f}", "Мёд — \"партия\"\n😀\t", "abcdefgh\\abcdefgh\"", "12345678"]
                .map(String::from),
        );
        for s in &all {
            let mut w = Utf16Json::default();
            w.string(s);
            w.value(&1000.0f64);
            w.value(&-0.5f64);
            w.value(&i64::MIN);
            w.value(&true);
            let expected = format!(
                "{}{}{}{}{}",
                serde_json::to_string(s).unwrap(),
                serde_json::to_string(&1000.0f64).unwrap(),
                serde_json::to_string(&-0.5f64).unwrap(),
                serde_json::to_string(&i64::MIN).unwrap(),
                "true"
            );
            assert_eq!(String::from_utf16(&w.out).unwrap(), expected, "{s:?}");
        }
    }

    #[test]
    fn matches_encode_utf16() {
        let samples = [
            "",
            "a",
            "abcdefgh",
            "abcdefghi",
            "Мёд — партия 1 ₽ 😀 ～",
            "😀😀😀😀😀😀😀😀x",
            "\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
        ];
        for s in samples {
            assert_eq!(utf16_units(s), s.encode_utf16().collect::<Vec<_>>(), "{s:?}");
        }
        let all: String = (0..=0x10FFFFu32).step_by(7).filter_map(char::from_u32).collect();
        assert_eq!(utf16_units(&all), all.encode_utf16().collect::<Vec<_>>());
    }
}
