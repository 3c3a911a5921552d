//! VK's error objects and what they mean for a sender.

use std::time::Duration;

use serde_json::Value;

use crate::runtime::SendError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VkError {
    /// `{"error":{"error_code","error_msg"}}`
    #[error("VK error {code}: {message}")]
    Api { code: i64, message: String },
    /// VK could not be reached or answered something that is not its API.
    #[error("VK unreachable: {0}")]
    Network(String),
}

/// Error 6: too many requests per second (a community token gets about 20).
pub const TOO_MANY_REQUESTS: i64 = 6;
/// Error 9: flood control (too many identical actions).
pub const FLOOD_CONTROL: i64 = 9;
/// Error 1 (unknown) and 10 (internal server error): VK's own trouble, worth a retry.
const VK_TROUBLE: [i64; 2] = [1, 10];

impl VkError {
    pub fn from_object(error: &Value) -> Self {
        VkError::Api {
            code: error.get("error_code").and_then(Value::as_i64).unwrap_or(0),
            message: error.get("error_msg").and_then(Value::as_str).unwrap_or("").to_string(),
        }
    }

    pub fn network(what: &str, error: &reqwest::Error) -> Self {
        VkError::Network(format!("{what}: {error}"))
    }

    pub fn malformed(field: &str, body: &Value) -> Self {
        VkError::Network(format!("no `{field}` in {body}"))
    }

    pub fn code(&self) -> Option<i64> {
        match self {
            VkError::Api { code, .. } => Some(*code),
            VkError::Network(_) => None,
        }
    }
}

impl From<VkError> for SendError {
    /// 6 and 9 ask us to slow down; 1 and 10 are VK's failures; everything else (901 the person
    /// did not allow messages, 7 no permission, 911 a bad keyboard, 100 a bad parameter…) will
    /// fail the same way again, so it is refused rather than retried.
    fn from(error: VkError) -> Self {
        match error {
            VkError::Api { code: TOO_MANY_REQUESTS, .. } => SendError::RetryAfter(Duration::from_secs(1)),
            VkError::Api { code: FLOOD_CONTROL, .. } => SendError::RetryAfter(Duration::from_secs(5)),
            VkError::Api { code, message } if VK_TROUBLE.contains(&code) => {
                SendError::Unavailable(format!("VK error {code}: {message}"))
            }
            VkError::Api { code, message } => SendError::Refused(format!("VK error {code}: {message}")),
            VkError::Network(why) => SendError::Unavailable(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mapped(code: i64) -> SendError {
        VkError::from_object(&json!({ "error_code": code, "error_msg": "x" })).into()
    }

    #[test]
    fn rate_errors_ask_to_wait() {
        assert_eq!(mapped(6), SendError::RetryAfter(Duration::from_secs(1)));
        assert!(matches!(mapped(9), SendError::RetryAfter(_)));
    }

    #[test]
    fn permission_errors_are_refusals_and_vk_trouble_is_retried() {
        for code in [901, 7, 911, 100] {
            assert!(matches!(mapped(code), SendError::Refused(_)), "{code}");
        }
        assert!(matches!(mapped(10), SendError::Unavailable(_)));
        assert!(matches!(SendError::from(VkError::Network("down".into())), SendError::Unavailable(_)));
    }
}
