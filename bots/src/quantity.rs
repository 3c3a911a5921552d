//! How much of a procurement's unit a buyer orders ("2", "1,5" kg).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use money::{Money, ParseError, Syntax, parse_hundredths};

/// A positive quantity in hundredths of a unit, matching `participants.quantity`
/// (NUMERIC(10,2)). Stored as an integer so amounts computed from it are exact.
/// Deserialising goes through the same range check, so a stored dialog state
/// cannot smuggle in a zero or negative quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(i64);

/// The largest order we take from a chat: far below NUMERIC(10,2)'s limit,
/// and small enough that `quantity × price` cannot overflow.
pub const MAX_QUANTITY: Quantity = Quantity(1_000_000 * 100);

/// Why a quantity was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    Invalid(ParseError),
    NotPositive,
    TooLarge,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Invalid(e) => write!(f, "invalid quantity: {e}"),
            QuantityError::NotPositive => f.write_str("quantity must be greater than zero"),
            QuantityError::TooLarge => f.write_str("quantity is too large"),
        }
    }
}

impl std::error::Error for QuantityError {}

impl TryFrom<i64> for Quantity {
    type Error = QuantityError;

    fn try_from(hundredths: i64) -> Result<Self, Self::Error> {
        if hundredths <= 0 {
            return Err(QuantityError::NotPositive);
        }
        Quantity::from_hundredths(hundredths).ok_or(QuantityError::TooLarge)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.0
    }
}

impl Quantity {
    /// A quantity from hundredths of a unit; `None` unless positive and within limits.
    pub fn from_hundredths(hundredths: i64) -> Option<Self> {
        (hundredths > 0 && hundredths <= MAX_QUANTITY.0).then_some(Quantity(hundredths))
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Reads "2", "1,5", "1.5", "1 000".
    pub fn parse(input: &str) -> Result<Self, QuantityError> {
        let hundredths = parse_hundredths(input, Syntax::Typed).map_err(|e| match e {
            ParseError::TooLarge => QuantityError::TooLarge,
            ParseError::Negative => QuantityError::NotPositive,
            other => QuantityError::Invalid(other),
        })?;
        if hundredths == 0 {
            return Err(QuantityError::NotPositive);
        }
        Quantity::from_hundredths(hundredths).ok_or(QuantityError::TooLarge)
    }

    /// The same quantity as the domain's type, for its arithmetic and wire form.
    fn shared(self) -> money::Quantity {
        money::Quantity::from_hundredths(self.0)
    }

    /// Cost of this quantity at `price_per_unit` kopecks, rounded half up to a kopeck as the
    /// server computes it; `None` past what the database holds.
    pub fn cost(self, price_per_unit: i64) -> Option<i64> {
        Money::from_kopecks(price_per_unit).times(self.shared()).map(Money::kopecks)
    }

    /// The decimal string the API expects ("1.50").
    pub fn to_api_string(self) -> String {
        self.shared().to_string()
    }

    /// Short human form without trailing zeros: "2", "1,5" (ru) / "1.5" (en).
    pub fn display(self, lang: Lang) -> String {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            return whole.to_string();
        }
        let sep = lang.pick(',', '.');
        let frac = format!("{frac:02}");
        format!("{whole}{sep}{}", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(h: i64) -> Quantity {
        Quantity::from_hundredths(h).unwrap()
    }

    #[test]
    fn parses_whole_and_fractional() {
        assert_eq!(Quantity::parse("2"), Ok(q(200)));
        assert_eq!(Quantity::parse("1,5"), Ok(q(150)));
        assert_eq!(Quantity::parse("1.5"), Ok(q(150)));
        assert_eq!(Quantity::parse(" 0.25 "), Ok(q(25)));
        assert_eq!(Quantity::parse("1 000"), Ok(q(100_000)));
    }

    #[test]
    fn rejects_zero_negative_and_junk() {
        assert_eq!(Quantity::parse("0"), Err(QuantityError::NotPositive));
        assert_eq!(Quantity::parse("0,00"), Err(QuantityError::NotPositive));
        assert_eq!(Quantity::parse("-1"), Err(QuantityError::NotPositive));
        assert_eq!(Quantity::parse("два"), Err(QuantityError::Invalid(ParseError::NotANumber)));
        assert_eq!(Quantity::parse("1,555"), Err(QuantityError::Invalid(ParseError::TooPrecise)));
        assert_eq!(Quantity::parse("1000001"), Err(QuantityError::TooLarge));
        assert_eq!(Quantity::parse("1000000"), Ok(MAX_QUANTITY));
    }

    #[test]
    fn cost_is_exact_and_rounds_half_up() {
        assert_eq!(q(150).cost(10_000), Some(15_000));
        // 1.5 × 33,33 ₽ = 49,995 ₽ → 50,00 ₽
        assert_eq!(q(150).cost(3_333), Some(5_000));
        assert_eq!(q(1).cost(1), Some(0));
        assert_eq!(MAX_QUANTITY.cost(i64::MAX), None);
    }

    #[test]
    fn renders_for_people_and_api() {
        assert_eq!(q(200).display(Lang::Ru), "2");
        assert_eq!(q(150).display(Lang::Ru), "1,5");
        assert_eq!(q(125).display(Lang::En), "1.25");
        assert_eq!(q(5).display(Lang::Ru), "0,05");
        assert_eq!(q(150).to_api_string(), "1.50");
        assert_eq!(q(7).to_api_string(), "0.07");
    }

    #[test]
    fn serde_keeps_the_invariant() {
        assert_eq!(serde_json::to_string(&q(150)).unwrap(), "150");
        assert_eq!(serde_json::from_str::<Quantity>("150").unwrap(), q(150));
        assert!(serde_json::from_str::<Quantity>("0").is_err());
        assert!(serde_json::from_str::<Quantity>("-3").is_err());
    }

    #[test]
    fn from_hundredths_guards_range() {
        assert_eq!(Quantity::from_hundredths(0), None);
        assert_eq!(Quantity::from_hundredths(-5), None);
        assert!(Quantity::from_hundredths(MAX_QUANTITY.hundredths() + 1).is_none());
    }
}
