//! Ledger accounts: whose money it is and what it is for.

/// An account, named by its owner. Rows are created on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    /// What a user can spend or withdraw.
    UserBalance(i64),
    /// A user's money on its way out (a withdrawal being paid out).
    UserHold(i64),
    /// Money paid into a procurement, held until capture or refund.
    Escrow(i64),
    /// The platform's commission income.
    Commission,
    /// The mirror of money at the bank: credited balances came from here, so it runs negative.
    BankClearing,
}

impl Account {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Self::UserBalance(_) => "user_balance",
            Self::UserHold(_) => "user_hold",
            Self::Escrow(_) => "escrow",
            Self::Commission => "commission",
            Self::BankClearing => "bank_clearing",
        }
    }

    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            Self::UserBalance(id) | Self::UserHold(id) => Some(id),
            _ => None,
        }
    }

    pub(crate) fn procurement_id(self) -> Option<i64> {
        match self {
            Self::Escrow(id) => Some(id),
            _ => None,
        }
    }
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UserBalance(id) => write!(f, "the balance of user {id}"),
            Self::UserHold(id) => write!(f, "the withdrawal hold of user {id}"),
            Self::Escrow(id) => write!(f, "the escrow of procurement {id}"),
            Self::Commission => f.write_str("the platform commission"),
            Self::BankClearing => f.write_str("the bank clearing account"),
        }
    }
}
