//! What can go wrong talking to the bank, split by what the caller should do about it.

/// An error from the bank port.
///
/// [`BankError::is_retryable`] tells a job whether trying again later can help. A retryable error
/// after a request was sent (a timeout in particular) does not mean the bank did nothing: the
/// operation may have happened and only the answer was lost, so money moves are retried with the
/// same `ext_key` or re-checked (`get_deal`, `get_payment`) before being sent again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    // --- transport: worth retrying ---
    #[error("the bank did not answer in time")]
    Timeout,
    #[error("cannot reach the bank: {0}")]
    Connect(String),
    /// An HTTP status other than 200 and 403 (5xx is retryable, anything else is not).
    #[error("the bank answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    /// 4909: a request with this `ext_key` is still being processed.
    #[error("the bank is still processing a request with this ext_key")]
    InProgress,

    // --- our side is misconfigured or the bank speaks something unexpected ---
    /// HTTP 403: the bank refused the signature, thumbprint or system (or our IP).
    #[error("the bank refused the request signature (HTTP 403): {0}")]
    Signature(String),
    /// The answer was not the JSON-RPC we expect (bad JSON, another id, neither result nor error).
    #[error("unexpected answer from the bank: {0}")]
    Protocol(String),
    /// The request could not be built or signed (e.g. an amount not representable on the wire).
    #[error("cannot build the bank request: {0}")]
    Request(String),

    // --- business errors (JSON-RPC `error` inside HTTP 200): permanent ---
    /// 4002: the bank found no valid data in the request (e.g. a forbidden character in a purpose).
    #[error("the bank rejected the request data: {0}")]
    InvalidRequest(String),
    /// 4409
    #[error("beneficiary not found")]
    BeneficiaryNotFound,
    /// 4410
    #[error("beneficiary is not active")]
    BeneficiaryNotActive,
    /// `the_beneficiary_is_already_exists`: carries the existing beneficiary's id when the bank says it.
    #[error("the beneficiary already exists")]
    BeneficiaryExists { id: Option<String> },
    /// 4411
    #[error("virtual account not found")]
    VirtualAccountNotFound,
    /// 4412
    #[error("payment not found")]
    PaymentNotFound,
    /// 4413: the owners' amounts do not add up to the payment's amount.
    #[error("the owners' amounts do not equal the payment amount")]
    AmountMismatch,
    /// 4414
    #[error("the payment is already identified")]
    AlreadyIdentified,
    /// 4415
    #[error("insufficient funds on the virtual account")]
    InsufficientFunds,
    /// 4417
    #[error("deal not found")]
    DealNotFound,
    /// 4418: `status` is the deal's current status when the bank reports it (`meta`).
    #[error("the operation is impossible in the deal's current status {status:?}")]
    DealWrongStatus { status: Option<String> },
    /// 4442: a deal with this `ext_key` exists. `deal_id` is filled when the answer carries it
    /// (the sandbox does; whether real Cyclops does is unconfirmed).
    #[error("a deal with this ext_key already exists")]
    DealExists { deal_id: Option<String> },
    /// Any other business error, kept verbatim.
    #[error("bank error {code}: {message}")]
    Unknown { code: i64, message: String },
}

impl BankError {
    /// Whether the same request may succeed later without any change on our side.
    pub fn is_retryable(&self) -> bool {
        match self {
            BankError::Timeout | BankError::Connect(_) | BankError::InProgress => true,
            BankError::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The Cyclops business error code, for business errors.
    pub fn code(&self) -> Option<i64> {
        Some(match self {
            BankError::InProgress => 4909,
            BankError::InvalidRequest(_) => 4002,
            BankError::BeneficiaryNotFound => 4409,
            BankError::BeneficiaryNotActive => 4410,
            BankError::VirtualAccountNotFound => 4411,
            BankError::PaymentNotFound => 4412,
            BankError::AmountMismatch => 4413,
            BankError::AlreadyIdentified => 4414,
            BankError::InsufficientFunds => 4415,
            BankError::DealNotFound => 4417,
            BankError::DealWrongStatus { .. } => 4418,
            BankError::DealExists { .. } => 4442,
            BankError::Unknown { code, .. } => *code,
            _ => return None,
        })
    }
}

pub type BankResult<T> = Result<T, BankError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_trouble_is_retryable_business_errors_are_not() {
        assert!(BankError::Timeout.is_retryable());
        assert!(BankError::Connect("refused".into()).is_retryable());
        assert!(BankError::Http { status: 502, body: String::new() }.is_retryable());
        assert!(BankError::InProgress.is_retryable());
        assert!(!BankError::Http { status: 404, body: String::new() }.is_retryable());
        assert!(!BankError::Signature(String::new()).is_retryable());
        assert!(!BankError::AmountMismatch.is_retryable());
        assert!(!BankError::Unknown { code: 4436, message: String::new() }.is_retryable());
    }
}
