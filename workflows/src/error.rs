//! The domain's one error type. The API maps each variant to an HTTP status and a machine code;
//! database constraint names are translated here so a broken rule reads as a domain refusal.

use crate::transition::IllegalTransition;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// Input that can never be right (400).
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0}")]
    IllegalTransition(#[from] IllegalTransition),
    /// Right input at the wrong moment: the state of things refuses it (409).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    Forbidden { message: String },
    #[error("insufficient funds: {message}")]
    InsufficientFunds { message: String },
    /// An outside service (the bank) could not do its part now; nothing was changed (503).
    #[error("{message}")]
    Unavailable { message: String },
    /// The bank failed or refused; whether trying again can help is the bank error's to say.
    #[error("bank: {0}")]
    Bank(#[from] crate::bank::BankError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound { entity, id: id.to_string() }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::Unavailable { message: message.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden { message: message.into() }
    }

    /// Whether the same request may succeed later unchanged: the database or an outside service
    /// failed, rather than the request being refused.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Database(_) | Self::Unavailable { .. } => true,
            Self::Bank(e) => e.is_retryable(),
            _ => false,
        }
    }
}

impl From<sqlx::Error> for DomainError {
    fn from(err: sqlx::Error) -> Self {
        let Some(db) = err.as_database_error() else {
            return Self::Database(err);
        };
        // Values no column can hold come from the caller's input, whichever column they reach.
        match db.code().as_deref() {
            // numeric_value_out_of_range: e.g. a quantity past NUMERIC(10,2), a balance past NUMERIC(14,2)
            Some("22003") => return Self::invalid("value", "out of range: too large to store"),
            // character_not_in_repertoire: PostgreSQL text cannot hold NUL characters
            Some("22021") => return Self::invalid("text", "must not contain NUL characters"),
            _ => {}
        }
        match db.constraint().and_then(constraint_error) {
            Some(mapped) => mapped,
            None => Self::Database(err),
        }
    }
}

/// What breaking each named constraint means to a caller. Constraints not listed here are
/// guarded by validation before the query runs; hitting one is a bug and stays a 500.
fn constraint_error(constraint: &str) -> Option<DomainError> {
    use DomainError as E;
    Some(match constraint {
        "user_identities_platform_key" => {
            E::conflict("user_exists", "a user with this platform and platform_user_id already exists")
        }
        "user_identities_user_platform_key" => {
            E::conflict("platform_already_linked", "this user already has an account on that platform")
        }
        "users_staff_username_key" => E::conflict("username_taken", "a staff user with this username exists"),
        "participants_one_active_key" => {
            E::conflict("already_participating", "already participating in this procurement")
        }
        "procurements_within_stop" => {
            E::conflict("stop_amount_exceeded", "the procurement has reached its stop amount")
        }
        "ledger_accounts_non_negative" => E::InsufficientFunds { message: "the balance cannot go below zero".into() },
        "ledger_transactions_idempotency_key" => {
            E::conflict("duplicate_movement", "this money movement was already made")
        }
        "categories_name_parent_key" => E::conflict("category_exists", "a category with this name already exists here"),
        "procurements_category_id_fkey" | "categories_parent_id_fkey" => E::invalid("category", "no such category"),
        "procurements_organizer_id_fkey" => E::invalid("organizer", "no such user"),
        "procurements_supplier_id_fkey" => E::invalid("supplier", "no such user"),
        "procurements_payment_after_deadline" => E::invalid("payment_deadline", "must not be before the deadline"),
        "procurements_stop_positive" | "procurements_target_positive" | "procurements_price_positive" => {
            E::invalid("amount", "amounts must be positive")
        }
        "categories_not_own_parent" => E::invalid("parent", "a category cannot be its own parent"),
        _ => return None,
    })
}
