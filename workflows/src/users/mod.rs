//! People: accounts, their messenger identities, roles and staff logins.

mod balance;
mod flags;
mod generated;
pub mod inn;
mod login_link;
pub mod mini_app;
mod model;
mod password;
mod store;
pub mod web_session;

pub use balance::{Adjusted, adjust_balance, adjust_balance_in};
pub use flags::{Flag, set_flag, toggle_flag};
pub use generated::ensure_generated;
pub use login_link::{LOGIN_LINK_LIFETIME, issue_login_code, redeem_login_code};
pub use model::{NewUser, Platform, Role, User, UserPatch};
pub use password::{hash_password, verify_password};
pub(crate) use store::SELECT_USER;
pub use store::{
    UserFilter, by_platform, check_active, create_staff, ensure_active, exists_on_platform, get, link_identity, list,
    record_inn, register, require_active, update,
};
