//! Who is signed in, for every page: the person (as `/api/users/{id}/` last answered) and a
//! way to read them again after a change (a deposit, a profile edit).

use crate::api::me::Me;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Account {
    /// `None`: nobody is signed in (or the person is still being read).
    pub me: Option<Me>,
    /// Reads the person again (balance, role, language).
    pub reload: Callback<()>,
    /// Ends the session here and on the server.
    pub sign_out: Callback<()>,
}

impl Account {
    pub fn user_id(&self) -> Option<i64> {
        self.me.as_ref().map(|m| m.id)
    }
}

/// The account from the shell's context.
#[hook]
pub fn use_account() -> Account {
    use_context::<Account>().unwrap_or(Account { me: None, reload: Callback::noop(), sign_out: Callback::noop() })
}
