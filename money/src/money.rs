//! What only money does: kopecks, price × quantity, commission, and showing it to people.

use crate::display::{Style, format_kopecks};
use crate::fixed::{Money, Quantity};
use crate::parse::MAX_HUNDREDTHS;

impl Money {
    pub const fn from_kopecks(kopecks: i64) -> Self {
        Self::from_hundredths(kopecks)
    }

    /// Whole roubles (for limits written in code: `Money::rubles(100)`).
    pub const fn rubles(rubles: i64) -> Self {
        Self::from_hundredths(rubles * 100)
    }

    pub const fn kopecks(self) -> i64 {
        self.hundredths()
    }

    /// For people: "1 500,00 ₽" and the like, per [`Style`].
    pub fn grouped(self, style: Style) -> String {
        format_kopecks(self.kopecks(), style)
    }

    /// `price × quantity`, rounded half up to the kopeck (1.5 × 333.33 ₽ = 500.00 ₽).
    /// `None` when the result would not fit.
    pub fn times(self, quantity: Quantity) -> Option<Money> {
        let product = i128::from(self.kopecks()) * i128::from(quantity.hundredths());
        let rounded = (product + 50).div_euclid(100);
        i64::try_from(rounded).ok().filter(|v| *v <= MAX_HUNDREDTHS).map(Money::from_kopecks)
    }

    /// `percent` of this amount (percent in hundredths: 2.5 % is 250), rounded half up.
    pub fn percent(self, percent_hundredths: i64) -> Money {
        let product = i128::from(self.kopecks()) * i128::from(percent_hundredths);
        Money::from_kopecks(((product + 5_000).div_euclid(10_000)) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_typed_amount;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }
    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn formats_like_the_wire() {
        assert_eq!(m("1500").to_string(), "1500.00");
        assert_eq!(m("-0.5").to_string(), "-0.50");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::rubles(1000), m("1000"));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serializes_like_the_wire() {
        assert_eq!(serde_json::to_string(&m("12.3")).unwrap(), "\"12.30\"");
        assert_eq!(serde_json::from_str::<Money>("\"-1500.5\"").unwrap(), m("-1500.5"));
        assert!(serde_json::from_str::<Money>("1500.5").is_err());
        assert!(serde_json::from_str::<Money>("\"1.555\"").is_err());
    }

    #[test]
    fn price_times_quantity_rounds_half_up() {
        assert_eq!(m("333.33").times(q("1.5")), Some(m("500.00")));
        assert_eq!(m("100").times(q("3")), Some(m("300")));
        assert_eq!(m("0.01").times(q("0.5")), Some(m("0.01")));
        assert_eq!(m("999999999999").times(q("1000")), None);
    }

    #[test]
    fn commission_percent() {
        assert_eq!(m("1000").percent(250), m("25"));
        assert_eq!(m("0.03").percent(5_000), m("0.02"));
    }

    #[test]
    fn checked_arithmetic_stays_in_range() {
        assert_eq!(m("1").checked_add(m("2")), Some(m("3")));
        assert_eq!(m("999999999999.99").checked_add(m("0.01")), None);
    }

    #[test]
    fn typed_and_grouped_agree() {
        assert_eq!(parse_typed_amount("1 500,50 ₽"), Ok(150_050));
        for kopecks in [1, 99, 100, 150_050, 100_000_000] {
            let shown = Money::from_kopecks(kopecks).grouped(Style::RU);
            assert_eq!(parse_typed_amount(&shown), Ok(kopecks), "{shown}");
        }
    }

    proptest::proptest! {
        #[test]
        fn wire_and_grouped_forms_read_back(k in -MAX_HUNDREDTHS..=MAX_HUNDREDTHS) {
            let money = Money::from_kopecks(k);
            proptest::prop_assert_eq!(money.to_string().parse::<Money>(), Ok(money));
            if k >= 0 {
                proptest::prop_assert_eq!(parse_typed_amount(&money.grouped(Style::RU)), Ok(k));
                proptest::prop_assert_eq!(parse_typed_amount(&money.grouped(Style::RU_TABLE)), Ok(k));
            }
        }
    }
}
