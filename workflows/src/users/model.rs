//! The user as the rest of the platform sees it, and the rules for the fields people type in.

use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Buyer,
    Organizer,
    Supplier,
}

crate::transition::named_enum!(Role, "role" {
    Buyer => "buyer",
    Organizer => "organizer",
    Supplier => "supplier",
});

impl Role {
    pub fn display(self) -> &'static str {
        match self {
            Self::Buyer => "Buyer",
            Self::Organizer => "Organizer",
            Self::Supplier => "Supplier",
        }
    }
}

/// Where a person talks to us from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Telegram,
    Whatsapp,
    Websocket,
    Vk,
}

crate::transition::named_enum!(Platform, "platform" {
    Telegram => "telegram",
    Whatsapp => "whatsapp",
    Websocket => "websocket",
    Vk => "vk",
});

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    /// The identity the account was registered with (staff accounts may have none).
    pub platform: Option<Platform>,
    pub platform_user_id: Option<String>,
    /// Every (platform, id) linked to this person, oldest first.
    #[sqlx(json)]
    pub identities: Vec<(String, String)>,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub role: Role,
    pub balance: Money,
    pub language_code: String,
    pub is_active: bool,
    pub is_verified: bool,
    pub is_staff: bool,
    /// Whether notifications also go to the person's messengers.
    pub messenger_notifications: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub platform: Platform,
    pub platform_user_id: String,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    pub role: Role,
    pub language_code: String,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub role: Option<Role>,
    pub language_code: Option<String>,
    pub inn: Option<String>,
    pub messenger_notifications: Option<bool>,
}

impl NewUser {
    /// Normalises and checks what a person typed; the database checks the rest.
    pub fn validated(mut self) -> DomainResult<Self> {
        self.platform_user_id = self.platform_user_id.trim().to_string();
        if self.platform_user_id.is_empty() {
            return Err(DomainError::invalid("platform_user_id", "is required"));
        }
        self.phone = normalize_phone(&self.phone)?;
        self.email = normalize_email(&self.email)?;
        self.language_code = normalize_language(&self.language_code)?;
        Ok(self)
    }
}

impl UserPatch {
    pub fn validated(mut self) -> DomainResult<Self> {
        if let Some(phone) = &self.phone {
            self.phone = Some(normalize_phone(phone)?);
        }
        if let Some(email) = &self.email {
            self.email = Some(normalize_email(email)?);
        }
        if let Some(lang) = &self.language_code {
            self.language_code = Some(normalize_language(lang)?);
        }
        if let Some(inn) = &self.inn {
            let inn = inn.trim();
            if !inn.is_empty() && !super::inn::is_valid(inn) {
                return Err(DomainError::invalid(
                    "inn",
                    "not a valid INN of a person: 12 digits with correct check digits",
                ));
            }
            self.inn = Some(inn.to_string());
        }
        Ok(self)
    }
}

/// `+79991234567`: a '+' is prepended when missing; 11 to 15 digits, not starting with 0.
pub fn normalize_phone(phone: &str) -> DomainResult<String> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Ok(String::new());
    }
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    let valid =
        (11..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    if !valid {
        return Err(DomainError::invalid("phone", "Phone number must be in format: '+79991234567'"));
    }
    Ok(format!("+{digits}"))
}

pub fn normalize_email(email: &str) -> DomainResult<String> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(email);
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    };
    if !valid {
        return Err(DomainError::invalid("email", "Enter a valid email address"));
    }
    Ok(email)
}

fn normalize_language(code: &str) -> DomainResult<String> {
    let code = code.trim();
    if code.is_empty() {
        return Ok("ru".into());
    }
    if code.len() > 10 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(DomainError::invalid("language_code", "must be a language tag such as 'ru' or 'en'"));
    }
    Ok(code.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_get_a_plus_and_must_be_long_enough() {
        assert_eq!(normalize_phone("79991234567").unwrap(), "+79991234567");
        assert_eq!(normalize_phone("+79991234567").unwrap(), "+79991234567");
        assert_eq!(normalize_phone("").unwrap(), "");
        for bad in ["123", "+0123456789012", "not a phone", "+7999123456789012"] {
            assert!(normalize_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(normalize_email("User@Example.COM").unwrap(), "user@example.com");
        for bad in ["not an email", "@domain.com", "user@", "a@b", "a b@c.d", "a@.c"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
