//! How a failed run is classified: tried again later, or straight to the dead-letter set. Use
//! cases return domain errors; this is where the runner turns them into a decision.

use crate::DomainError;
use crate::bank::BankError;

/// Why a job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt (a database hiccup, the bank unreachable for now).
    #[error("retryable: {0}")]
    Retry(String),
    /// Will never succeed: straight to the dead-letter set.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<DomainError> for JobError {
    fn from(err: DomainError) -> Self {
        if err.is_retryable() { Self::Retry(err.to_string()) } else { Self::Permanent(err.to_string()) }
    }
}

impl From<BankError> for JobError {
    fn from(err: BankError) -> Self {
        if err.is_retryable() { Self::Retry(format!("bank: {err}")) } else { Self::Permanent(format!("bank: {err}")) }
    }
}

impl From<sqlx::Error> for JobError {
    fn from(err: sqlx::Error) -> Self {
        Self::from(DomainError::from(err))
    }
}

/// The task id of the `retry`-th retry of the run whose task id is `current`: the run's own id
/// (a relayed id, or one staff re-queued) with its retry count replaced.
pub fn retry_task_id(current: &str, retry: usize) -> String {
    let root = match current.rsplit_once("~r") {
        Some((root, n)) if n.parse::<usize>().is_ok() => root,
        _ => current,
    };
    format!("{root}~r{retry}")
}

/// How many retries a task id says came before it (0 for a first run).
pub fn retries_before(task_id: &str) -> usize {
    task_id.rsplit_once("~r").and_then(|(_, n)| n.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_ids_count_the_retries_before_them() {
        assert_eq!(retries_before("capture:participant:7"), 0);
        let third = retry_task_id("capture:participant:7", 3);
        assert_eq!(third, "capture:participant:7~r3");
        assert_eq!(retries_before(&third), 3);
        assert_eq!(retry_task_id(&third, 4), "capture:participant:7~r4");
        assert_eq!(retry_task_id("capture:participant:7~m17", 1), "capture:participant:7~m17~r1");
        assert_eq!(retries_before("capture:participant:7~m17"), 0);
        assert_eq!(retries_before("cron:deadline_sweep:1700000000"), 0);
    }

    #[test]
    fn unavailable_and_database_trouble_is_retried_refusals_are_not() {
        assert!(matches!(JobError::from(DomainError::unavailable("bank down")), JobError::Retry(_)));
        assert!(matches!(JobError::from(DomainError::Bank(BankError::Timeout)), JobError::Retry(_)));
        assert!(matches!(JobError::from(DomainError::Bank(BankError::InsufficientFunds)), JobError::Permanent(_)));
        assert!(matches!(JobError::from(DomainError::conflict("x", "y")), JobError::Permanent(_)));
    }
}
