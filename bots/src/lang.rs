//! The language a user is answered in.

use serde::{Deserialize, Serialize};

/// Reply language. The product is Russian, so Russian is the default and
/// English is used only when the messenger reports an English locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// Picks the language from a messenger `language_code` ("en", "en-US", "ru", …).
    /// Anything that is not English falls back to Russian, including VK, which
    /// always reports "ru", and users with no code at all.
    pub fn from_code(code: Option<&str>) -> Self {
        let Some(code) = code else {
            return Lang::Ru;
        };
        let primary = code.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") { Lang::En } else { Lang::Ru }
    }

    /// The code stored on the user (`users.language_code`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Chooses between the Russian and English variant of a text.
    pub fn pick<T>(self, ru: T, en: T) -> T {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_codes_select_english() {
        assert_eq!(Lang::from_code(Some("en")), Lang::En);
        assert_eq!(Lang::from_code(Some("en-US")), Lang::En);
        assert_eq!(Lang::from_code(Some("EN_gb")), Lang::En);
    }

    #[test]
    fn everything_else_is_russian() {
        assert_eq!(Lang::from_code(Some("ru")), Lang::Ru);
        assert_eq!(Lang::from_code(Some("uk")), Lang::Ru);
        assert_eq!(Lang::from_code(Some("")), Lang::Ru);
        assert_eq!(Lang::from_code(Some("eng")), Lang::Ru);
        assert_eq!(Lang::from_code(None), Lang::Ru);
    }

    #[test]
    fn code_round_trips() {
        for lang in [Lang::Ru, Lang::En] {
            assert_eq!(Lang::from_code(Some(lang.code())), lang);
        }
    }
}
