//! What the bot says back: text plus an optional keyboard.

use serde::{Deserialize, Serialize};

use crate::keyboard::Keyboard;

/// A message to send. Text is plain (no Markdown): user-supplied titles with
/// `*` or `_` broke the original's Markdown messages, and VK has no markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyboard: Option<Keyboard>,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Self {
        Reply { text: text.into(), keyboard: None }
    }

    pub fn with_keyboard(text: impl Into<String>, keyboard: Keyboard) -> Self {
        Reply { text: text.into(), keyboard: Some(keyboard) }
    }
}
