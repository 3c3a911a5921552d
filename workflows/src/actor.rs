//! Who is asking: the domain's rules about ownership need to know.

/// The caller of a domain operation, as established by authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A service client, staff member or the platform itself: may act for anyone.
    System,
    /// An end user acting for themselves.
    User(i64),
}

impl Actor {
    /// Whether this actor may act as `user_id`.
    pub fn may_act_for(self, user_id: i64) -> bool {
        match self {
            Self::System => true,
            Self::User(id) => id == user_id,
        }
    }

    pub fn user_id(self) -> Option<i64> {
        match self {
            Self::System => None,
            Self::User(id) => Some(id),
        }
    }
}
