//! Plain data the bot core formats. Adapters fill these from API responses,
//! so this crate does not depend on the server's types.

use serde::{Deserialize, Serialize};

/// What a user does on the platform; decides their main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Buyer,
    Organizer,
    Supplier,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Buyer, Role::Organizer, Role::Supplier];

    /// The value stored in `users.role` and used in callback data.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Organizer => "organizer",
            Role::Supplier => "supplier",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One procurement as the detail screen shows it. Money is in kopecks;
/// `deadline` is the API's ISO-8601 timestamp; `status` is the raw API value
/// so an unknown future status still renders instead of failing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcurementView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub organizer_name: String,
    pub category_name: Option<String>,
    pub city: String,
    pub target_amount: i64,
    pub current_amount: i64,
    pub participant_count: i64,
    pub unit: String,
    pub price_per_unit: Option<i64>,
    pub deadline: String,
    pub status: String,
    pub stop_at_amount: Option<i64>,
    pub can_join: bool,
    /// Percent collected, as computed by the server (0–100).
    pub progress: i32,
}

/// One row of a procurement list: just what its button needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcurementListItem {
    pub id: i64,
    pub title: String,
    pub progress: i32,
}

impl From<&ProcurementView> for ProcurementListItem {
    fn from(p: &ProcurementView) -> Self {
        ProcurementListItem { id: p.id, title: p.title.clone(), progress: p.progress }
    }
}

/// A procurement category; `icon` is an emoji or empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: i64,
    pub name: String,
    pub icon: String,
}

impl CategoryView {
    /// Button text: "🍎 Продукты", or just the name when there is no icon.
    pub fn label(&self) -> String {
        let icon = self.icon.trim();
        if icon.is_empty() { self.name.clone() } else { format!("{icon} {}", self.name) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_strings_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_str_opt(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::from_str_opt("admin"), None);
    }

    #[test]
    fn category_label_uses_icon_when_present() {
        let mut c = CategoryView { id: 1, name: "Продукты".into(), icon: "🍎".into() };
        assert_eq!(c.label(), "🍎 Продукты");
        c.icon = "  ".into();
        assert_eq!(c.label(), "Продукты");
    }
}
