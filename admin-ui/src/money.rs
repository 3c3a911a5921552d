//! Amounts arrive as exact decimal strings ("1500.00"); staff read them as "1 500,00 ₽".

pub fn rubles(amount: &str) -> String {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "00"));
    let (sign, digits) = match whole.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", whole),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{fraction:0<2} ₽")
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands() {
        assert_eq!(super::rubles("1500.00"), "1\u{a0}500,00 ₽");
        assert_eq!(super::rubles("-1234567.5"), "-1\u{a0}234\u{a0}567,50 ₽");
        assert_eq!(super::rubles("0.00"), "0,00 ₽");
    }
}
