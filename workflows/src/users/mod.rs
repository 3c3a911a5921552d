//! People: accounts, their messenger identities, roles and staff logins.

mod balance;
mod generated;
pub mod inn;
mod login_link;
mod model;
mod password;
mod store;

pub use balance::{Adjusted, adjust_balance};
pub use generated::ensure_generated;
pub use login_link::{LOGIN_LINK_LIFETIME, issue_login_code, redeem_login_code};
pub use model::{NewUser, Platform, Role, User, UserPatch};
pub use password::{hash_password, verify_password};
pub use store::{
    UserFilter, by_platform, create_staff, ensure_active, exists_on_platform, get, link_identity, list, record_inn,
    register, require_active, update,
};
