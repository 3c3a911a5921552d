//! People as the staff API shows and changes them.

use crate::wire::Text;
use crate::wire::enums::RoleName;
use crate::wire::user::UserOut;
use crate::wire::{Amount, NonZeroAmount, SignedAmount};
use poem_openapi::{Enum, Object};
use workflows::admin::users::{BulkAction, UserRecord};

/// The public user shape plus what staff need to judge an account.
#[derive(Object)]
pub struct AdminUserOut {
    #[oai(flatten)]
    pub user: UserOut,
    /// A staff account (logs in to the admin app).
    pub is_staff: bool,
    /// Orders ever placed, cancelled ones included.
    pub participations_count: i64,
    /// Procurements organized.
    pub organized_count: i64,
    /// Money that left the balance for orders and withdrawals.
    pub total_spent: Amount,
}

impl From<UserRecord> for AdminUserOut {
    fn from(r: UserRecord) -> Self {
        Self {
            is_staff: r.user.is_staff,
            participations_count: r.participations_count,
            organized_count: r.organized_count,
            total_spent: r.total_spent.into(),
            user: r.user.into(),
        }
    }
}

/// Fields to change; absent ones stay. The balance changes only through `update_balance`.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct AdminUserPatch {
    #[oai(validator(max_length = 100), deserialize_with = "crate::wire::strict_present")]
    pub first_name: Option<String>,
    #[oai(validator(max_length = 100), deserialize_with = "crate::wire::strict_present")]
    pub last_name: Option<String>,
    /// `+79991234567`; a missing '+' is added.
    #[oai(validator(max_length = 20), deserialize_with = "crate::wire::strict_present")]
    pub phone: Option<String>,
    #[oai(validator(max_length = 254), deserialize_with = "crate::wire::strict_present")]
    pub email: Option<String>,
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub role: Option<RoleName>,
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub is_active: Option<bool>,
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub is_verified: Option<bool>,
}

#[derive(Object)]
pub struct ActiveOut {
    pub is_active: bool,
}

#[derive(Object)]
pub struct VerifiedOut {
    pub is_verified: bool,
}

/// A hand adjustment: a bonus when positive, a withdrawal when negative (never below zero).
#[derive(Object)]
pub struct AdminBalanceAdjustment {
    pub amount: NonZeroAmount,
    /// Shown in the person's history; "Admin balance adjustment" when blank.
    #[oai(default, nullable, validator(max_length = 500))]
    pub description: Text,
}

#[derive(Object)]
pub struct AdminBalanceAdjusted {
    pub old_balance: Amount,
    pub new_balance: Amount,
    pub amount: SignedAmount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum UserBulkActionName {
    Activate,
    Deactivate,
    Verify,
    Unverify,
}

impl From<UserBulkActionName> for BulkAction {
    fn from(a: UserBulkActionName) -> Self {
        match a {
            UserBulkActionName::Activate => Self::Activate,
            UserBulkActionName::Deactivate => Self::Deactivate,
            UserBulkActionName::Verify => Self::Verify,
            UserBulkActionName::Unverify => Self::Unverify,
        }
    }
}

#[derive(Object)]
pub struct UserBulkAction {
    pub ids: Vec<i64>,
    pub action: UserBulkActionName,
}
