//! A thin VK API client: `{api_url}/{method}` with `access_token` and `v`, form-encoded, one
//! answer shape (`{"response":…}` or `{"error":{"error_code","error_msg"}}` in an HTTP 200).

use std::time::Duration;

use serde_json::Value;

use super::error::VkError;
use super::names::NameBook;
use super::pace::Pace;

/// The API version every request names.
pub const API_VERSION: &str = "5.199";

/// VK's public API base (`VK_API_URL` overrides it, e.g. with the fake's `/method`).
pub const DEFAULT_API_URL: &str = "https://api.vk.com/method";

/// How long one long-poll request may hang at VK before it answers with no updates.
pub const LONG_POLL_WAIT_SECS: u64 = 25;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VkConfig {
    /// Up to `/method`, without a trailing slash.
    pub api_url: String,
    /// The community's access token.
    pub token: String,
    pub group_id: i64,
}

/// Where and from which point to ask for updates (`groups.getLongPollServer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongPollServer {
    pub server: String,
    pub key: String,
    pub ts: String,
}

/// One `a_check` answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Updates {
        ts: String,
        updates: Vec<Value>,
    },
    /// `failed`: 1 (take `ts` and go on), 2 (new key, keep ts), 3 (new key and ts).
    Failed {
        code: i64,
        ts: Option<String>,
    },
}

pub struct VkClient {
    config: VkConfig,
    http: reqwest::Client,
    /// Long-poll requests hang for up to [`LONG_POLL_WAIT_SECS`], so they get their own timeout.
    long_poll_http: reqwest::Client,
    pace: Pace,
    names: NameBook,
}

impl VkClient {
    pub fn new(config: VkConfig) -> Self {
        let build = |timeout: Duration| {
            reqwest::Client::builder().timeout(timeout).build().expect("a reqwest client with rustls builds")
        };
        VkClient {
            config: VkConfig { api_url: config.api_url.trim_end_matches('/').to_string(), ..config },
            http: build(Duration::from_secs(15)),
            long_poll_http: build(Duration::from_secs(LONG_POLL_WAIT_SECS + 10)),
            pace: Pace::community(),
            names: NameBook::default(),
        }
    }

    pub fn group_id(&self) -> i64 {
        self.config.group_id
    }

    pub(super) fn names(&self) -> &NameBook {
        &self.names
    }

    /// Calls `method` and returns its `response`.
    pub async fn call(&self, method: &str, params: &[(&str, String)]) -> Result<Value, VkError> {
        self.pace.wait_turn().await;
        let mut form: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form.push(("access_token", &self.config.token));
        form.push(("v", API_VERSION));
        let url = format!("{}/{method}", self.config.api_url);
        let response = self.http.post(&url).form(&form).send().await.map_err(|e| VkError::network(method, &e))?;
        if !response.status().is_success() {
            return Err(VkError::Network(format!("{method}: HTTP {}", response.status())));
        }
        let body: Value = response.json().await.map_err(|e| VkError::network(method, &e))?;
        if let Some(error) = body.get("error") {
            return Err(VkError::from_object(error));
        }
        body.get("response").cloned().ok_or_else(|| VkError::Network(format!("{method}: no response in {body}")))
    }

    pub async fn long_poll_server(&self) -> Result<LongPollServer, VkError> {
        let response = self.call("groups.getLongPollServer", &[("group_id", self.config.group_id.to_string())]).await?;
        let field = |name: &str| text_field(&response, name).ok_or_else(|| VkError::malformed(name, &response));
        Ok(LongPollServer { server: field("server")?, key: field("key")?, ts: field("ts")? })
    }

    /// One `act=a_check` request, waiting up to `wait` seconds for updates.
    pub async fn check(&self, server: &LongPollServer, wait: u64) -> Result<Check, VkError> {
        let query = [("act", "a_check"), ("key", &server.key), ("ts", &server.ts), ("wait", &wait.to_string())];
        let response = self
            .long_poll_http
            .get(&server.server)
            .query(&query)
            .send()
            .await
            .map_err(|e| VkError::network("a_check", &e))?;
        if !response.status().is_success() {
            return Err(VkError::Network(format!("a_check: HTTP {}", response.status())));
        }
        let body: Value = response.json().await.map_err(|e| VkError::network("a_check", &e))?;
        if let Some(code) = body.get("failed").and_then(Value::as_i64) {
            return Ok(Check::Failed { code, ts: text_field(&body, "ts") });
        }
        let ts = text_field(&body, "ts").ok_or_else(|| VkError::malformed("ts", &body))?;
        let updates = body.get("updates").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok(Check::Updates { ts, updates })
    }
}

/// VK sends `ts` as a string from `getLongPollServer` and sometimes as a number from `a_check`.
fn text_field(object: &Value, name: &str) -> Option<String> {
    match object.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
