//! Button labels in both languages.
//!
//! Reply-keyboard buttons come back to the bot as plain text, so these labels
//! are also what `command.rs` recognises; keeping them in one table means a
//! relabelled button cannot silently stop working.

use crate::lang::Lang;
use crate::model::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    // main menu (reply keyboard)
    Procurements,
    MyOrders,
    CreateProcurement,
    MySupplies,
    Profile,
    Balance,
    Chat,
    Help,
    // procurement list and detail
    ByCity,
    ByCategory,
    Search,
    Join,
    Leave,
    ProcurementChat,
    Participants,
    Refresh,
    BackToList,
    // money
    CustomAmount,
    Deposit,
    History,
    Pay,
    CheckStatus,
    // confirmations and dialogs
    YesLeave,
    Cancel,
    Skip,
}

impl Label {
    pub fn text(self, lang: Lang) -> &'static str {
        use Label::*;
        match self {
            Procurements => lang.pick("📦 Закупки", "📦 Procurements"),
            MyOrders => lang.pick("🛒 Мои заказы", "🛒 My Orders"),
            CreateProcurement => lang.pick("➕ Создать закупку", "➕ Create Procurement"),
            MySupplies => lang.pick("🚚 Мои поставки", "🚚 My Supplies"),
            Profile => lang.pick("👤 Профиль", "👤 Profile"),
            Balance => lang.pick("💰 Баланс", "💰 Balance"),
            Chat => lang.pick("💬 Чаты", "💬 Chats"),
            Help => lang.pick("❓ Помощь", "❓ Help"),
            ByCity => lang.pick("🏙 По городу", "🏙 By City"),
            ByCategory => lang.pick("🗂 По категории", "🗂 By Category"),
            Search => lang.pick("🔍 Поиск", "🔍 Search"),
            Join => lang.pick("✅ Присоединиться", "✅ Join"),
            Leave => lang.pick("🚪 Выйти из закупки", "🚪 Leave procurement"),
            ProcurementChat => lang.pick("💬 Чат", "💬 Chat"),
            Participants => lang.pick("👥 Участники", "👥 Participants"),
            Refresh => lang.pick("🔄 Обновить", "🔄 Refresh"),
            BackToList => lang.pick("⬅️ К списку", "⬅️ Back to list"),
            CustomAmount => lang.pick("✏️ Другая сумма", "✏️ Custom amount"),
            Deposit => lang.pick("➕ Пополнить", "➕ Deposit"),
            History => lang.pick("📜 История", "📜 History"),
            Pay => lang.pick("💳 Оплатить", "💳 Pay"),
            CheckStatus => lang.pick("🔄 Проверить оплату", "🔄 Check payment"),
            YesLeave => lang.pick("Да, выйти", "Yes, leave"),
            Cancel => lang.pick("Отмена", "Cancel"),
            Skip => lang.pick("Пропустить", "Skip"),
        }
    }
}

/// Name of a role in running text ("Организатор").
pub fn role_name(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Buyer => lang.pick("Покупатель", "Buyer"),
        Role::Organizer => lang.pick("Организатор", "Organizer"),
        Role::Supplier => lang.pick("Поставщик", "Supplier"),
    }
}

/// Role button text, with an emoji that hints at what the role does.
pub fn role_button(role: Role, lang: Lang) -> String {
    let icon = match role {
        Role::Buyer => "🛒",
        Role::Organizer => "📋",
        Role::Supplier => "🚚",
    };
    format!("{icon} {}", role_name(role, lang))
}

/// Reduces a button text or typed word to its comparable core: leading emoji
/// and spaces dropped, lower-cased. Clients differ in how they send emoji
/// (variation selectors, missing ones), and people type labels by hand.
pub fn normalize_label(text: &str) -> String {
    text.trim_start_matches(|c: char| !c.is_alphanumeric()).trim().to_lowercase()
}

/// Whether typed text names a role in either language ("покупатель", "🚚 Supplier").
pub fn role_from_text(text: &str) -> Option<Role> {
    let typed = normalize_label(text);
    Role::ALL
        .into_iter()
        .find(|&role| [Lang::Ru, Lang::En].into_iter().any(|lang| normalize_label(role_name(role, lang)) == typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_emoji_and_case() {
        assert_eq!(normalize_label("📦 Закупки"), "закупки");
        assert_eq!(normalize_label("⬅️ К списку"), "к списку");
        assert_eq!(normalize_label("  HELP "), "help");
        assert_eq!(normalize_label("🔥"), "");
    }

    #[test]
    fn roles_are_recognised_from_text() {
        assert_eq!(role_from_text("Покупатель"), Some(Role::Buyer));
        assert_eq!(role_from_text("организатор"), Some(Role::Organizer));
        assert_eq!(role_from_text(&role_button(Role::Supplier, Lang::En)), Some(Role::Supplier));
        assert_eq!(role_from_text("admin"), None);
        assert_eq!(role_from_text(""), None);
    }

    #[test]
    fn labels_differ_by_language() {
        assert_eq!(Label::Help.text(Lang::Ru), "❓ Помощь");
        assert_eq!(Label::Help.text(Lang::En), "❓ Help");
    }
}
