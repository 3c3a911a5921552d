//! Amounts on the Cyclops wire: rubles as JSON numbers (`1500.5`, `1000.0`), at most two decimals.
//!
//! Converted to and from integer kopecks exactly, without rounding, through the number's shortest
//! decimal text:
//!
//! - out: `kopecks as f64 / 100.0` is the double nearest to the exact decimal (both operands are
//!   exact and IEEE division rounds correctly), and serde_json prints the shortest text that reads
//!   back as that double, which for up to 15 significant digits (all of `NUMERIC(14,2)`) is the
//!   decimal itself;
//! - in: the double serde_json parsed is printed the same shortest way (`1500.5`) and that text is
//!   parsed as money, which refuses a third decimal (`1500.505`) instead of rounding it away.
//!
//! Integers and decimal strings are accepted on the way in too, to be tolerant.

use money::{Money, ParseError as FixedParseError};
use serde::Serializer;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// Rubles as a JSON number for `kopecks`.
pub fn to_rubles(amount: Money) -> f64 {
    amount.kopecks() as f64 / 100.0
}

/// Exact kopecks for a wire number; an amount with more than two decimals is refused.
pub fn from_rubles(rubles: f64) -> Result<Money, FixedParseError> {
    if !rubles.is_finite() {
        return Err(FixedParseError::NotANumber);
    }
    // Display never uses an exponent and prints the shortest round-trip digits.
    format!("{rubles}").parse()
}

pub fn serialize<S: Serializer>(amount: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(to_rubles(*amount))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
    d.deserialize_any(RublesVisitor)
}

struct RublesVisitor;

impl Visitor<'_> for RublesVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an amount in rubles with at most two decimals")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
        from_rubles(v).map_err(|e| E::custom(format!("amount {v}: {e}")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
        v.checked_mul(100).map(Money::from_kopecks).ok_or_else(|| E::custom("amount too large"))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
        i64::try_from(v).map_err(|_| E::custom("amount too large")).and_then(|v| self.visit_i64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
        v.parse().map_err(|e| E::custom(format!("amount {v:?}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(serde::Serialize, Deserialize, Debug, PartialEq)]
    struct Amount {
        #[serde(with = "super")]
        amount: Money,
    }

    fn wire(kopecks: i64) -> String {
        serde_json::to_string(&Amount { amount: Money::from_kopecks(kopecks) }).unwrap()
    }

    fn read(json: &str) -> Result<i64, serde_json::Error> {
        serde_json::from_str::<Amount>(json).map(|a| a.amount.kopecks())
    }

    #[test]
    fn kopecks_go_out_as_ruble_numbers() {
        assert_eq!(wire(150_050), r#"{"amount":1500.5}"#);
        assert_eq!(wire(100_000), r#"{"amount":1000.0}"#);
        assert_eq!(wire(33), r#"{"amount":0.33}"#);
        assert_eq!(wire(1), r#"{"amount":0.01}"#);
        assert_eq!(wire(99_999_999_999_999), r#"{"amount":999999999999.99}"#);
    }

    #[test]
    fn ruble_numbers_come_in_as_exact_kopecks() {
        assert_eq!(read(r#"{"amount":1500.5}"#).unwrap(), 150_050);
        assert_eq!(read(r#"{"amount":1000}"#).unwrap(), 100_000);
        assert_eq!(read(r#"{"amount":0.1}"#).unwrap(), 10);
        assert_eq!(read(r#"{"amount":0.29}"#).unwrap(), 29);
        assert_eq!(read(r#"{"amount":"12.30"}"#).unwrap(), 1_230);
        assert_eq!(read(r#"{"amount":999999999999.99}"#).unwrap(), 99_999_999_999_999);
    }

    #[test]
    fn a_third_decimal_is_refused_not_rounded() {
        assert!(read(r#"{"amount":1500.505}"#).is_err());
        assert!(read(r#"{"amount":0.001}"#).is_err());
        assert!(read(r#"{"amount":"abc"}"#).is_err());
    }

    #[test]
    fn every_kopeck_amount_round_trips() {
        // Dense small values plus a sweep of large ones: the cases where binary fractions bite.
        let large = (0..2_000).map(|i| 99_999_999_999_999 - i * 49_999_999_991);
        for kopecks in (0..20_000).chain(large) {
            assert_eq!(read(&wire(kopecks)).unwrap(), kopecks, "{kopecks}");
        }
    }
}
