//! Where a broadcast goes: a Telegram channel or group the bot administers (`-100…` or
//! `@name`), a VK community or conversation (its `peer_id`), or every active person who linked
//! a platform.

use crate::error::{DomainError, DomainResult};
use crate::messenger::Platform;

/// One requested target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Chat {
        platform: Platform,
        chat_id: String,
    },
    /// Expanded when the broadcast starts into one target per linked identity of an active
    /// person who did not switch messenger messages off.
    AllUsers(Platform),
}

/// Most targets one broadcast names itself ("all users" may expand to more).
pub const MAX_TARGETS: usize = 20_000;

/// Telegram's and VK's limit on one message.
pub const MAX_TEXT_CHARS: usize = 4096;

impl Target {
    /// Checks the chat id's shape for its platform and trims it.
    pub fn validated(self) -> DomainResult<Target> {
        let Target::Chat { platform, chat_id } = self else { return Ok(self) };
        let chat_id = chat_id.trim().to_string();
        let numeric = |s: &str| {
            let digits = s.strip_prefix('-').unwrap_or(s);
            (1..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        };
        // Telegram public usernames: 5 to 32 letters, digits and underscores, starting with a letter.
        let username = |s: &str| {
            s.strip_prefix('@').is_some_and(|name| {
                (5..=32).contains(&name.len())
                    && name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
        };
        let valid = match platform {
            Platform::Telegram => numeric(&chat_id) || username(&chat_id),
            Platform::Vk => numeric(&chat_id),
        };
        if !valid {
            let hint = match platform {
                Platform::Telegram => "a Telegram chat id (-100…) or @channelname",
                Platform::Vk => "a VK peer_id (a number)",
            };
            return Err(DomainError::invalid("chat_id", format!("'{chat_id}' is not {hint}")));
        }
        Ok(Target::Chat { platform, chat_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(platform: Platform, id: &str) -> DomainResult<Target> {
        Target::Chat { platform, chat_id: id.into() }.validated()
    }

    #[test]
    fn chat_ids_are_checked_per_platform() {
        assert!(chat(Platform::Telegram, " -1001234567890 ").is_ok());
        assert!(chat(Platform::Telegram, "@groupbuy_news").is_ok());
        assert!(chat(Platform::Telegram, "@ab").is_err());
        assert!(chat(Platform::Telegram, "news").is_err());
        assert!(chat(Platform::Telegram, "").is_err());
        assert!(chat(Platform::Vk, "2000000001").is_ok());
        assert!(chat(Platform::Vk, "@groupbuy_news").is_err());
        assert_eq!(
            chat(Platform::Vk, " -42 ").unwrap(),
            Target::Chat { platform: Platform::Vk, chat_id: "-42".into() }
        );
    }
}
