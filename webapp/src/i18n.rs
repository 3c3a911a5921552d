//! Russian and English. Every text sits where it is shown, in both languages at once
//! (`lang.pick("Закупки", "Procurements")`), so a page carries its own words and a missing
//! translation cannot compile. The language is the person's choice (kept in `localStorage`),
//! else the browser's.

use yew::prelude::*;

const STORAGE_KEY: &str = "groupbuy-lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The text in this language.
    pub fn pick(self, ru: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }

    /// The code the API's `language` field and `<html lang>` use.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// `"ru"`, `"en-GB"`, …: English for any `en`, Russian otherwise.
    pub fn parse(code: &str) -> Lang {
        if code.trim().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Ru }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored choice, else the browser's language.
pub fn initial() -> Lang {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok()?);
    let browser = || web_sys::window().and_then(|w| w.navigator().language());
    stored.or_else(browser).map(|code| Lang::parse(&code)).unwrap_or(Lang::Ru)
}

/// Shows `lang` on the page (`<html lang>`) and remembers it.
pub fn choose(lang: Lang) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, lang.code());
    }
}

/// Forgets the person's choice made here, so the language saved in their profile applies.
pub fn forget_choice() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// The language in force, from the shell's context.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or(Lang::Ru)
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn any_english_is_english_and_everything_else_russian() {
        assert_eq!(Lang::parse("en-GB"), Lang::En);
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("ru-RU"), Lang::Ru);
        assert_eq!(Lang::parse("de"), Lang::Ru);
        assert_eq!(Lang::En.pick("да", "yes"), "yes");
    }
}
