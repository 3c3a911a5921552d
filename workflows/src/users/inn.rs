//! Russian taxpayer numbers (ИНН) of natural persons: 12 digits, the last two check digits.

const K11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const K12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, k)| d * k).sum::<u32>() % 11 % 10
}

/// Whether `inn` is a natural person's INN with correct check digits.
pub fn is_valid(inn: &str) -> bool {
    let digits: Vec<u32> = inn.chars().filter_map(|c| c.to_digit(10)).collect();
    inn.len() == 12
        && digits.len() == 12
        && check_digit(&digits[..10], &K11) == digits[10]
        && check_digit(&digits[..11], &K12) == digits[11]
}

/// Completes ten digits with their two check digits (demo data and tests).
pub fn with_check_digits(first_ten: u64) -> String {
    let mut digits: Vec<u32> =
        format!("{:010}", first_ten % 10_000_000_000).chars().filter_map(|c| c.to_digit(10)).collect();
    digits.push(check_digit(&digits, &K11));
    digits.push(check_digit(&digits, &K12));
    digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits() {
        assert!(is_valid("500100732259"), "a published example");
        assert!(!is_valid("500100732258"));
        assert!(!is_valid("50010073225"));
        assert!(!is_valid("5001007322a9"));
        for n in [0, 1, 7_707_083_893, 9_999_999_999] {
            assert!(is_valid(&with_check_digits(n)), "{n}");
        }
    }
}
