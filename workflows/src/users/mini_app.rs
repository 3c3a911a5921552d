//! Telegram Mini App sign-in: the page opened from the bot's web-app button receives `initData`
//! from Telegram, signed with a key derived from the bot token; a valid, fresh one names the
//! Telegram user, who is signed in as that identity (registered on first visit, as `/start`
//! would).

use super::{NewUser, Platform, Role, User};
use crate::error::{DomainError, DomainResult};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgPool;

/// How old `initData` may be: Telegram signs it when the page opens; a day covers a page left
/// open, not a leaked link replayed later.
pub const INIT_DATA_MAX_AGE: Duration = Duration::hours(24);

/// The Telegram user `initData` vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiniAppUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub username: String,
    pub language_code: String,
}

#[derive(serde::Deserialize)]
struct UserField {
    id: i64,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    language_code: String,
}

fn refused(why: &str) -> DomainError {
    DomainError::forbidden(format!("Telegram sign-in refused: {why}"))
}

/// The HMAC of `check_string` under the Mini App key of `bot_token`:
/// `HMAC_SHA256(key = HMAC_SHA256(key = "WebAppData", bot_token), check_string)`.
fn sign(bot_token: &str, check_string: &str) -> Vec<u8> {
    let mut key = Hmac::<Sha256>::new_from_slice(b"WebAppData").expect("HMAC takes any key length");
    key.update(bot_token.as_bytes());
    let secret = key.finalize().into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret).expect("HMAC takes any key length");
    mac.update(check_string.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Every field but `hash` (and, in the second form, but `signature` too), sorted, `key=value`
/// lines. Telegram's clients have signed both ways since the `signature` field appeared.
fn check_strings(fields: &[(String, String)]) -> [String; 2] {
    let mut sorted: Vec<&(String, String)> = fields.iter().filter(|(k, _)| k != "hash").collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let join = |skip_signature: bool| {
        sorted
            .iter()
            .filter(|(k, _)| !(skip_signature && k == "signature"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    [join(false), join(true)]
}

/// Checks `init_data` (the URL-encoded string the page got from Telegram) against the bot token
/// and its age; the user it names.
pub fn verify_init_data(init_data: &str, bot_token: &str, now: DateTime<Utc>) -> DomainResult<MiniAppUser> {
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(init_data.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let hash = field("hash").and_then(|h| hex::decode(h).ok()).ok_or_else(|| refused("initData has no valid hash"))?;
    // constant-time comparison of the expected and given hashes
    let matches = |expected: Vec<u8>| {
        expected.len() == hash.len() && expected.iter().zip(&hash).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    };
    if !check_strings(&fields).into_iter().any(|s| matches(sign(bot_token, &s))) {
        return Err(refused("initData is not signed by this bot"));
    }
    let auth_date = field("auth_date")
        .and_then(|d| d.parse::<i64>().ok())
        .and_then(|d| DateTime::from_timestamp(d, 0))
        .ok_or_else(|| refused("initData has no auth_date"))?;
    if now - auth_date > INIT_DATA_MAX_AGE || auth_date - now > Duration::minutes(5) {
        return Err(refused("initData is too old; open the app from the bot again"));
    }
    let user: UserField =
        field("user").and_then(|u| serde_json::from_str(u).ok()).ok_or_else(|| refused("initData names no user"))?;
    Ok(MiniAppUser {
        id: user.id,
        first_name: user.first_name,
        last_name: user.last_name,
        username: user.username,
        language_code: user.language_code,
    })
}

/// Signs in the Telegram user `init_data` names: their account, created on the first visit as a
/// buyer (as the bot's `/start` does). A deactivated account is refused.
pub async fn sign_in(pool: &PgPool, init_data: &str, bot_token: &str, now: DateTime<Utc>) -> DomainResult<User> {
    let tg = verify_init_data(init_data, bot_token, now)?;
    let mut conn = pool.acquire().await?;
    let platform_user_id = tg.id.to_string();
    let user = match super::by_platform(&mut conn, Platform::Telegram, &platform_user_id).await {
        Ok(user) => user,
        Err(DomainError::NotFound { .. }) => {
            let language_code = if tg.language_code.starts_with("en") { "en" } else { "ru" };
            let new = NewUser {
                platform: Platform::Telegram,
                platform_user_id,
                username: tg.username,
                first_name: if tg.first_name.trim().is_empty() { "Telegram".into() } else { tg.first_name },
                last_name: tg.last_name,
                phone: String::new(),
                email: String::new(),
                role: Role::Buyer,
                language_code: language_code.into(),
            };
            match super::register(&mut conn, new).await {
                Ok(user) => user,
                // two first visits at once: the other one registered them
                Err(DomainError::Conflict { .. }) => {
                    super::by_platform(&mut conn, Platform::Telegram, &tg.id.to_string()).await?
                }
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    super::require_active(&mut conn, user.id).await
}

/// `initData` as Telegram would send it for `user` (JSON) at `auth_date`: for the local fake and
/// tests, which have the bot token.
pub fn signed_init_data(bot_token: &str, user_json: &str, auth_date: i64) -> String {
    let fields = vec![
        ("auth_date".to_string(), auth_date.to_string()),
        ("query_id".to_string(), format!("AAH{auth_date}")),
        ("user".to_string(), user_json.to_string()),
    ];
    let hash = hex::encode(sign(bot_token, &check_strings(&fields)[0]));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &fields {
        out.append_pair(k, v);
    }
    out.append_pair("hash", &hash);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456:TEST-token";
    const USER: &str = r#"{"id":777,"first_name":"Анна","last_name":"","username":"anna","language_code":"ru"}"#;

    #[test]
    fn a_signed_fresh_init_data_names_its_user() {
        let now = Utc::now();
        let data = signed_init_data(TOKEN, USER, now.timestamp() - 60);
        let user = verify_init_data(&data, TOKEN, now).unwrap();
        assert_eq!((user.id, user.first_name.as_str(), user.username.as_str()), (777, "Анна", "anna"));
    }

    #[test]
    fn another_bot_a_changed_field_an_old_date_or_no_hash_are_refused() {
        let now = Utc::now();
        let data = signed_init_data(TOKEN, USER, now.timestamp());
        assert!(verify_init_data(&data, "999:other-bot", now).is_err());
        let tampered = data.replace("777", "778");
        assert!(verify_init_data(&tampered, TOKEN, now).is_err());
        let old = signed_init_data(TOKEN, USER, (now - INIT_DATA_MAX_AGE - Duration::minutes(1)).timestamp());
        assert!(verify_init_data(&old, TOKEN, now).is_err());
        let unhashed: String = data.split('&').filter(|kv| !kv.starts_with("hash=")).collect::<Vec<_>>().join("&");
        assert!(verify_init_data(&unhashed, TOKEN, now).is_err());
        assert!(verify_init_data("", TOKEN, now).is_err());
    }

    #[test]
    fn the_signature_field_is_accepted_either_way_it_was_signed() {
        let now = Utc::now().timestamp();
        let fields = vec![
            ("auth_date".to_string(), now.to_string()),
            ("signature".to_string(), "c2lnbmF0dXJl".to_string()),
            ("user".to_string(), USER.to_string()),
        ];
        for check in check_strings(&fields) {
            let hash = hex::encode(sign(TOKEN, &check));
            let mut out = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &fields {
                out.append_pair(k, v);
            }
            out.append_pair("hash", &hash);
            assert!(verify_init_data(&out.finish(), TOKEN, Utc::now()).is_ok());
        }
    }
}
