//! Amounts that arrive as JavaScript numbers, read as the decimals they are written as, so
//! they are rounded, summed and shown in exact kopecks (the JavaScript twin does the same).

use money::{Style, format_rubles};

/// 2^53: from here on every double is an integer, and no longer an amount anyone paid.
pub(crate) const FIRST_UNSAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Whole roubles and kopecks of `abs` (finite, non-negative, below 2^53), rounded half up on
/// its shortest round-trip text (what `JSON.stringify` prints), never through float arithmetic:
/// `1.005` is 1 rouble 1 kopeck.
pub(crate) fn decimal_rubles(abs: f64) -> (u64, u8) {
    // Rust prints doubles without an exponent: "0.0000001", "1234567.5".
    let text = abs.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digit = |i: usize| fraction.as_bytes().get(i).map_or(0, |b| b - b'0');
    let kopecks = digit(0) * 10 + digit(1) + u8::from(digit(2) >= 5);
    // below 2^53 the digits always fit; 0 would only hide a bug, never a real amount
    let rubles: u64 = whole.parse().unwrap_or(0);
    if kopecks == 100 { (rubles + 1, 0) } else { (rubles, kopecks) }
}

/// Signed kopecks of an amount; `None` for numbers that are not amounts (non-finite, or 2^53
/// roubles and beyond).
fn kopecks(amount: f64) -> Option<i128> {
    if !amount.is_finite() || amount.abs() >= FIRST_UNSAFE_INTEGER {
        return None;
    }
    let (rubles, kopecks) = decimal_rubles(amount.abs());
    let abs = i128::from(rubles) * 100 + i128::from(kopecks);
    Some(if amount < 0.0 { -abs } else { abs })
}

/// A sum of amounts: the number (for JSON and progress) and its `format_currency` text.
pub struct Total {
    pub amount: f64,
    pub formatted: String,
}

/// Sums `amounts` in integer kopecks, each rounded like [`crate::format::format_currency`]
/// rounds it, so 0.1 + 0.2 is 0.3. When one of them is not an amount the original's double
/// sum is kept: there is no exact answer worth the cost of big integers.
pub fn total(amounts: impl IntoIterator<Item = f64>) -> Total {
    let (mut exact, mut float) = (Some(0i128), 0.0);
    for amount in amounts {
        float += amount;
        exact = exact.zip(kopecks(amount)).map(|(sum, k)| sum + k);
    }
    let Some(sum) = exact else {
        return Total { amount: float, formatted: crate::format::format_currency(float) };
    };
    let (rubles, kopecks) = ((sum.unsigned_abs() / 100).to_string(), (sum.unsigned_abs() % 100) as u8);
    let sign = if sum < 0 { "-" } else { "" };
    // the nearest double to the exact decimal, as JavaScript's Number(text) gives
    let amount = format!("{sign}{rubles}.{kopecks:02}").parse().unwrap_or(float);
    Total { amount, formatted: format_rubles(sum < 0, &rubles, kopecks, Style::RU_SHORT) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(amounts: &[f64]) -> (f64, String) {
        let t = total(amounts.iter().copied());
        (t.amount, t.formatted)
    }

    #[test]
    fn sums_in_exact_kopecks() {
        assert_eq!(sum(&[]), (0.0, "0 ₽".into()));
        assert_eq!(sum(&[0.1, 0.2]), (0.3, "0,30 ₽".into()));
        assert_eq!(sum(&[1000.0, 800.0]), (1800.0, "1 800 ₽".into()));
        assert_eq!(sum(&[1.005, 1.005]), (2.02, "2,02 ₽".into()));
        assert_eq!(sum(&[-5.0, 0.001, 2.5]), (-2.5, "-2,50 ₽".into()));
        assert_eq!(sum(&[99_999_999_999.99; 1000]), (99_999_999_999_990.0, "99 999 999 999 990 ₽".into()));
    }

    #[test]
    fn numbers_that_are_not_amounts_keep_the_double_sum() {
        assert_eq!(sum(&[1e300, 1.0]), (1e300, crate::format::format_currency(1e300)));
        assert_eq!(sum(&[2f64.powi(53), 0.5]).0, 2f64.powi(53));
    }
}
