//! A quantity as people read it: `3`, `1,5` (`1.5` in English), without the wire form's
//! trailing zeros.

use crate::i18n::Lang;
use money::Quantity;

pub fn quantity(lang: Lang, q: Quantity) -> String {
    let text = q.to_string();
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text.as_str() };
    if lang == Lang::Ru { text.replace('.', ",") } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_zeros_go_and_the_comma_is_russian() {
        assert_eq!(quantity(Lang::Ru, Quantity::from_hundredths(300)), "3");
        assert_eq!(quantity(Lang::Ru, Quantity::from_hundredths(150)), "1,5");
        assert_eq!(quantity(Lang::En, Quantity::from_hundredths(125)), "1.25");
        assert_eq!(quantity(Lang::En, Quantity::from_hundredths(1000)), "10");
    }
}
