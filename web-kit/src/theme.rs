//! Light and dark: the system's preference until the person picks one, which is remembered in
//! `localStorage` and shown as `<html data-theme="…">` (the stylesheet keys on it).

const STORAGE_KEY: &str = "groupbuy-theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored choice, else the system's preference.
pub fn initial() -> Theme {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok()?).and_then(|name| Theme::parse(&name));
    stored.unwrap_or_else(|| {
        let dark = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok()?)
            .is_some_and(|m| m.matches());
        if dark { Theme::Dark } else { Theme::Light }
    })
}

/// Shows `theme` on the page.
pub fn apply(theme: Theme) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme.name());
    }
}

/// Shows and remembers `theme`.
pub fn choose(theme: Theme) {
    apply(theme);
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, theme.name());
    }
}
