//! The signed-in person (`/api/users/{id}/`).

use super::ApiError;
use money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Identity {
    pub platform: String,
    pub platform_user_id: String,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Me {
    pub id: i64,
    pub platform: Option<String>,
    pub identities: Vec<Identity>,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub full_name: String,
    pub phone: String,
    pub email: String,
    /// `buyer`, `organizer` or `supplier`.
    pub role: String,
    pub role_display: String,
    pub balance: Money,
    pub language_code: String,
    pub is_active: bool,
    pub is_verified: bool,
    pub messenger_notifications: bool,
}

impl Me {
    pub fn is_organizer(&self) -> bool {
        self.role == "organizer"
    }

    pub fn is_supplier(&self) -> bool {
        self.role == "supplier"
    }

    /// The name to show: the full name, else the username, else `#id`.
    pub fn display_name(&self) -> String {
        [self.full_name.trim(), self.username.trim()]
            .into_iter()
            .find(|n| !n.is_empty())
            .map_or_else(|| format!("#{}", self.id), str::to_owned)
    }
}

pub async fn get(user_id: i64) -> Result<Me, ApiError> {
    super::get(&format!("users/{user_id}/"), &[]).await
}

/// What the profile page may change; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MeChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messenger_notifications: Option<bool>,
}

pub async fn update(user_id: i64, change: &MeChange) -> Result<Me, ApiError> {
    super::patch(&format!("users/{user_id}/"), change).await
}
