//! The one error shape of the JSON functions.
//!
//! The original returned `"[]"` / `"{}"` on invalid input, which made a broken
//! payload indistinguishable from "no results". We return
//! `{"error":"invalid JSON: <detail>"}` instead, from every JSON-returning
//! function, so callers can tell the two apart (`Array.isArray(result)` or
//! `"error" in result`). The `<detail>` text is for humans: serde's message here,
//! `JSON.parse`'s or our shape checker's in the JavaScript fallback.

use std::fmt;

/// Input that could not be read as the expected JSON shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    detail: String,
}

/// Every message starts with this, in Rust and in the JavaScript fallback.
pub const ERROR_PREFIX: &str = "invalid JSON: ";

impl InputError {
    pub fn new(detail: impl Into<String>) -> Self {
        Self { detail: detail.into() }
    }

    /// `invalid JSON: <detail>`
    pub fn message(&self) -> String {
        format!("{ERROR_PREFIX}{}", self.detail)
    }

    /// `{"error":"invalid JSON: <detail>"}`: what the JSON functions return.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "error": self.message() }).to_string()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for InputError {}

impl From<serde_json::Error> for InputError {
    fn from(e: serde_json::Error) -> Self {
        Self::new(e.to_string())
    }
}

/// Turns a result into the JSON text the one-shot functions return.
pub fn json_or_error(result: Result<String, InputError>) -> String {
    result.unwrap_or_else(|e| e.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_json_shape() {
        let e = InputError::new("expected value at line 1 column 1");
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(v["error"], "invalid JSON: expected value at line 1 column 1");
        assert_eq!(v.as_object().unwrap().len(), 1);
    }

    #[test]
    fn from_serde_error_keeps_prefix() {
        let err = serde_json::from_str::<Vec<i32>>("nope").unwrap_err();
        assert!(InputError::from(err).message().starts_with(ERROR_PREFIX));
    }
}
