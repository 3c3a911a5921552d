use super::Text;
use super::enums::{PlatformName, RoleName};
use super::fixed::{Amount, NonZeroAmount, SignedAmount};
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::users::User;

#[derive(Object)]
pub struct UserOut {
    pub id: i64,
    /// The messenger the account was registered from.
    #[oai(nullable)]
    pub platform: Option<PlatformName>,
    #[oai(nullable)]
    pub platform_user_id: Option<String>,
    /// Every messenger account linked to this person.
    pub identities: Vec<IdentityOut>,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub role: RoleName,
    pub role_display: String,
    pub balance: Amount,
    pub language_code: String,
    pub is_active: bool,
    pub is_verified: bool,
    /// Whether notifications also go to the person's Telegram and VK.
    pub messenger_notifications: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct IdentityOut {
    pub platform: String,
    pub platform_user_id: String,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            platform: u.platform.map(Into::into),
            full_name: u.full_name(),
            platform_user_id: u.platform_user_id,
            identities: u
                .identities
                .into_iter()
                .map(|(platform, platform_user_id)| IdentityOut { platform, platform_user_id })
                .collect(),
            username: u.username,
            first_name: u.first_name,
            last_name: u.last_name,
            phone: u.phone,
            email: u.email,
            role: u.role.into(),
            role_display: u.role.display().into(),
            balance: u.balance.into(),
            language_code: u.language_code,
            is_active: u.is_active,
            is_verified: u.is_verified,
            messenger_notifications: u.messenger_notifications,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Object)]
pub struct RegisterUser {
    pub platform: PlatformName,
    #[oai(validator(min_length = 1, max_length = 100), deserialize_with = "crate::wire::strict")]
    pub platform_user_id: String,
    #[oai(default, nullable, validator(max_length = 100))]
    pub username: Text,
    #[oai(default, nullable, validator(max_length = 100))]
    pub first_name: Text,
    #[oai(default, nullable, validator(max_length = 100))]
    pub last_name: Text,
    /// `+79991234567`; a missing '+' is added.
    #[oai(default, nullable, validator(max_length = 20))]
    pub phone: Text,
    #[oai(default, nullable, validator(max_length = 254))]
    pub email: Text,
    #[oai(nullable)]
    pub role: Option<RoleName>,
    #[oai(default, nullable, validator(max_length = 10))]
    pub language_code: Text,
}

#[derive(Object)]
pub struct UpdateUser {
    #[oai(nullable, validator(max_length = 100), deserialize_with = "crate::wire::strict")]
    pub username: Option<String>,
    #[oai(nullable, validator(max_length = 100), deserialize_with = "crate::wire::strict")]
    pub first_name: Option<String>,
    #[oai(nullable, validator(max_length = 100), deserialize_with = "crate::wire::strict")]
    pub last_name: Option<String>,
    #[oai(nullable, validator(max_length = 20), deserialize_with = "crate::wire::strict")]
    pub phone: Option<String>,
    #[oai(nullable, validator(max_length = 254), deserialize_with = "crate::wire::strict")]
    pub email: Option<String>,
    #[oai(nullable)]
    pub role: Option<RoleName>,
    #[oai(nullable, validator(max_length = 10), deserialize_with = "crate::wire::strict")]
    pub language_code: Option<String>,
    /// A person's INN (12 digits with check digits), under which the bank opens their account.
    #[oai(nullable, validator(max_length = 12), deserialize_with = "crate::wire::strict")]
    pub inn: Option<String>,
    /// Switches notifications in the person's messengers on or off (the web still gets them).
    #[oai(nullable)]
    pub messenger_notifications: Option<bool>,
}

#[derive(Object)]
pub struct LinkPlatform {
    pub platform: PlatformName,
    #[oai(validator(min_length = 1, max_length = 100), deserialize_with = "crate::wire::strict")]
    pub platform_user_id: String,
}

#[derive(Object)]
pub struct Exists {
    pub exists: bool,
}

#[derive(Object)]
pub struct BalanceOut {
    pub balance: Amount,
    pub total_deposited: Amount,
    pub total_spent: Amount,
    /// What can be spent now.
    pub available: Amount,
}

#[derive(Object)]
pub struct RoleOut {
    pub role: RoleName,
    pub role_display: String,
}

/// A staff adjustment: positive is a bonus, negative a debit.
#[derive(Object)]
pub struct BalanceAdjustment {
    pub amount: NonZeroAmount,
    #[oai(default, nullable, validator(max_length = 500))]
    pub description: Text,
    /// Makes a retried request a no-op; generated when absent.
    #[oai(nullable, validator(max_length = 100), deserialize_with = "crate::wire::strict")]
    pub idempotency_key: Option<String>,
}

#[derive(Object)]
pub struct BalanceAdjusted {
    pub old_balance: Amount,
    pub new_balance: Amount,
    pub amount: SignedAmount,
}
