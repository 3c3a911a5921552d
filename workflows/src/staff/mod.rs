//! The staff side: who operates the platform, how they log in, and the audit log of their writes.
//!
//! Staff use cases take an [`Operator`]: a staff member (logged in with a password) or a service
//! key (a staff tool or script). Each of their writes records an [`audit`] row in the same
//! transaction, so the log holds exactly the changes that happened.

pub mod audit;
pub mod login;
pub mod session;

pub use login::{LoginRefused, StaffLogin, log_in};
pub use session::{SESSION_LIFETIME, Staff, log_out, staff_of_token};

/// Who makes a staff write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// A staff member, by user id.
    Staff(i64),
    /// A service key: a staff tool or script that names no person.
    Service,
}

impl Operator {
    /// The staff member's id, if a person made the change.
    pub fn staff_id(self) -> Option<i64> {
        match self {
            Self::Staff(id) => Some(id),
            Self::Service => None,
        }
    }
}
