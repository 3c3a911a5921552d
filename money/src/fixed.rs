//! The two-decimal fixed-point types: money in kopecks, quantities and percentages in
//! hundredths. One macro gives them the same range, wire form and (behind features) serde and
//! database mapping, so they cannot drift apart.

use crate::parse::{MAX_HUNDREDTHS, ParseError, Syntax, parse_hundredths};
use std::fmt;

/// Formats hundredths in the wire form: `"1500.00"`, `"-0.50"`.
pub(crate) fn write_hundredths(value: i64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
}

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

            /// `None` past what the database holds.
            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).filter(|v| v.abs() <= MAX_HUNDREDTHS).map(Self)
            }

            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }
        }

        impl std::ops::Neg for $name {
            type Output = Self;
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }

        /// The wire form, `"1500.00"`.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hundredths(self.0, f)
            }
        }

        /// The wire form ([`Syntax::Wire`]).
        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_hundredths(s, Syntax::Wire).map(Self)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        /// From the wire form only: a JSON number would have been through a float already.
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "sqlx")]
        crate::sql::numeric!($name);
    };
}

fixed_point!(
    /// An amount of roubles held as integer kopecks.
    Money
);

fixed_point!(
    /// A quantity of goods in hundredths of a unit (1.5 kg is 150).
    Quantity
);

fixed_point!(
    /// A percentage with two decimals (2.5 % is 250 hundredths).
    Percent
);
