//! Small, strict JSON readers shared by the procurement and message parsers.
//!
//! Hand-written visitors instead of `#[derive(Deserialize)]` because:
//! - derived structs also accept JSON arrays (`[1,"t"]` as a struct), the
//!   JavaScript fallback could not mirror that;
//! - amounts arrive from our API as decimal strings (`rust_decimal`
//!   `serde-with-str`), so numbers must accept numeric strings too;
//! - strings borrow from the input when they have no escapes (fewer
//!   allocations in WebAssembly, where allocation is comparatively costly).
//!
//! The JavaScript fallback (`js/groupbuy-utils.mjs`) applies the same rules.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A JSON string, borrowed from the input when it had no escapes.
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// `string | null | missing`, borrowed where possible.
pub fn opt_text(v: Option<Text<'_>>) -> Option<Cow<'_, str>> {
    v.map(|t| t.0)
}

/// `string | null | missing` as an owned optional string.
pub fn opt_string(v: Option<Text<'_>>) -> Option<String> {
    v.map(Text::into_string)
}

/// An integer. JSON `1.0` / `1e3` are accepted when integral, because
/// `JSON.parse` cannot tell them from `1` / `1000` and the fallback must agree.
pub struct Int(pub i64);

/// 2^63 as f64: the first float outside the i64 range.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v).map(Int).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                if v.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&v) {
                    Ok(Int(v as i64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A money amount: a JSON number or a plain decimal string such as `"1500.00"`.
pub struct Amount(pub f64);

/// `-?digits(.digits)?([eE][+-]?digits)?`: the strings accepted as amounts.
pub fn is_decimal_string(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                Ok(Amount(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                match v.parse::<f64>() {
                    Ok(x) if is_decimal_string(v) && x.is_finite() => Ok(Amount(x)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings() {
        for ok in ["0", "-1", "1500.00", "1e3", "2.5E-2", "10"] {
            assert!(is_decimal_string(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "+1", " 1", "1 ", "0x10", "inf", "NaN", "1e", "1,5"] {
            assert!(!is_decimal_string(bad), "{bad}");
        }
    }

    #[test]
    fn int_accepts_integral_floats_only() {
        let ok: Vec<Int> = serde_json::from_str("[1, -2, 3.0, 1e3]").unwrap();
        assert_eq!(ok.iter().map(|i| i.0).collect::<Vec<_>>(), [1, -2, 3, 1000]);
        assert!(serde_json::from_str::<Int>("1.5").is_err());
        assert!(serde_json::from_str::<Int>("\"1\"").is_err());
        assert!(serde_json::from_str::<Int>("10000000000000000000").is_err());
    }

    #[test]
    fn amount_accepts_numbers_and_decimal_strings() {
        let v: Vec<Amount> = serde_json::from_str(r#"[1, 2.5, "1500.00", "-3"]"#).unwrap();
        assert_eq!(v.iter().map(|a| a.0).collect::<Vec<_>>(), [1.0, 2.5, 1500.0, -3.0]);
        assert!(serde_json::from_str::<Amount>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
    }

    #[test]
    fn text_borrows_when_unescaped() {
        let src = r#""plain""#;
        let t: Text = serde_json::from_str(src).unwrap();
        assert!(matches!(t.0, Cow::Borrowed("plain")));
        let t: Text = serde_json::from_str(r#""a\nb""#).unwrap();
        assert_eq!(t.0, "a\nb");
    }
}
