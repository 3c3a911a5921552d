//! Two-decimal fixed-point numbers: money in kopecks and quantities in hundredths.
//!
//! Both are stored as `NUMERIC(_, 2)` in PostgreSQL and travel as decimal strings (`"1500.00"`),
//! so no floating point ever touches them. One macro gives both types the same parsing,
//! formatting and database mapping.

use rust_decimal::Decimal;
use std::fmt;

/// Why a decimal text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixedParseError {
    #[error("not a decimal number")]
    NotANumber,
    #[error("at most two digits after the decimal point")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

/// Largest absolute value accepted: what `NUMERIC(14,2)` holds (under a trillion roubles).
pub const MAX_HUNDREDTHS: i64 = 99_999_999_999_999;

/// Parses `"1500"`, `"1500.5"`, `"-3.25"` or `"1500,50"` into hundredths, exactly.
pub fn parse_hundredths(text: &str) -> Result<i64, FixedParseError> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = match digits.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(FixedParseError::NotANumber);
    }
    if digits.contains(['.', ',']) && fraction.is_empty() {
        return Err(FixedParseError::NotANumber);
    }
    // Trailing zeros beyond two places ("1.500") are harmless; other digits would be lost.
    let significant = fraction.trim_end_matches('0');
    if significant.len() > 2 {
        return Err(FixedParseError::TooPrecise);
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 12 {
        return Err(FixedParseError::TooLarge);
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| FixedParseError::TooLarge)? };
    let mut cents: i64 = 0;
    for (i, b) in significant.bytes().enumerate() {
        cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
    }
    let value = whole * 100 + cents;
    if value > MAX_HUNDREDTHS {
        return Err(FixedParseError::TooLarge);
    }
    Ok(if negative { -value } else { value })
}

/// Formats hundredths as `"1500.00"` / `"-0.50"`.
pub fn format_hundredths(value: i64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Converts a database `NUMERIC` into hundredths; refuses values with more precision.
pub fn decimal_to_hundredths(d: Decimal) -> Result<i64, FixedParseError> {
    let scaled = d * Decimal::ONE_HUNDRED;
    if scaled.fract() != Decimal::ZERO {
        return Err(FixedParseError::TooPrecise);
    }
    i64::try_from(scaled).map_err(|_| FixedParseError::TooLarge)
}

pub fn hundredths_to_decimal(value: i64) -> Decimal {
    Decimal::new(value, 2)
}

/// Declares a two-decimal fixed-point newtype over `i64` hundredths.
macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: Self = Self(0);

            /// From hundredths (kopecks for money).
            pub const fn from_hundredths(value: i64) -> Self {
                Self(value)
            }

            pub const fn hundredths(self) -> i64 {
                self.0
            }

            pub const fn is_positive(self) -> bool {
                self.0 > 0
            }

            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).filter(|v| v.abs() <= $crate::fixed::MAX_HUNDREDTHS).map(Self)
            }

            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }

            pub fn to_decimal(self) -> rust_decimal::Decimal {
                $crate::fixed::hundredths_to_decimal(self.0)
            }

            pub fn try_from_decimal(d: rust_decimal::Decimal) -> Result<Self, $crate::fixed::FixedParseError> {
                $crate::fixed::decimal_to_hundredths(d).map(Self)
            }
        }

        impl std::ops::Neg for $name {
            type Output = Self;
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::fixed::format_hundredths(self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::fixed::FixedParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::fixed::parse_hundredths(s).map(Self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <rust_decimal::Decimal as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <rust_decimal::Decimal as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let d = <rust_decimal::Decimal as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Ok(Self::try_from_decimal(d)?)
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <rust_decimal::Decimal as sqlx::Encode<sqlx::Postgres>>::encode(self.to_decimal(), buf)
            }
        }
    };
}

pub(crate) use fixed_point;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(parse_hundredths("1500"), Ok(150_000));
        assert_eq!(parse_hundredths("1500.5"), Ok(150_050));
        assert_eq!(parse_hundredths("1500,05"), Ok(150_005));
        assert_eq!(parse_hundredths("0.1"), Ok(10));
        assert_eq!(parse_hundredths(".5"), Ok(50));
        assert_eq!(parse_hundredths("-3.25"), Ok(-325));
        assert_eq!(parse_hundredths("1.500"), Ok(150));
        assert_eq!(parse_hundredths(" 7 "), Ok(700));
    }

    #[test]
    fn refuses_junk_and_lost_precision() {
        for bad in ["", "-", ".", "1.", "abc", "1e3", "1.2.3", "--1", "1 000", "NaN", "inf"] {
            assert_eq!(parse_hundredths(bad), Err(FixedParseError::NotANumber), "{bad}");
        }
        assert_eq!(parse_hundredths("0.001"), Err(FixedParseError::TooPrecise));
        assert_eq!(parse_hundredths("1000000000000"), Err(FixedParseError::TooLarge));
        assert_eq!(parse_hundredths("999999999999.99"), Ok(MAX_HUNDREDTHS));
    }

    #[test]
    fn decimal_round_trip() {
        for v in [0, 1, -1, 150_000, MAX_HUNDREDTHS] {
            assert_eq!(decimal_to_hundredths(hundredths_to_decimal(v)), Ok(v));
        }
        assert_eq!(decimal_to_hundredths(Decimal::new(1, 3)), Err(FixedParseError::TooPrecise));
    }
}
