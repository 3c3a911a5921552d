//! People's names: VK's updates carry only ids, so the adapter asks `users.get` once per
//! person and process and remembers the answer (names change rarely; a restart refreshes them).

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use super::client::VkClient;
use crate::runtime::Person;

/// Names already looked up, by VK user id.
#[derive(Default)]
pub struct NameBook {
    known: Mutex<HashMap<String, (String, String)>>,
}

impl NameBook {
    fn cached(&self, user_id: &str) -> Option<(String, String)> {
        self.known.lock().unwrap_or_else(|p| p.into_inner()).get(user_id).cloned()
    }

    fn remember(&self, user_id: &str, names: (String, String)) {
        self.known.lock().unwrap_or_else(|p| p.into_inner()).insert(user_id.to_string(), names);
    }
}

impl VkClient {
    /// Fills `person`'s first and last name; without an answer from VK they stay empty (the
    /// conversation asks for a name when it needs one) and the next update asks again.
    pub async fn name(&self, person: &mut Person) {
        let user_id = &person.platform_user_id;
        let names = match self.names().cached(user_id) {
            Some(names) => names,
            None => match self.call("users.get", &[("user_ids", user_id.clone())]).await {
                Ok(response) => {
                    let user = response.get(0).cloned().unwrap_or_default();
                    let field = |name: &str| user.get(name).and_then(Value::as_str).unwrap_or("").to_string();
                    let names = (field("first_name"), field("last_name"));
                    self.names().remember(user_id, names.clone());
                    names
                }
                Err(error) => {
                    tracing::warn!(%error, user_id, "VK: users.get failed; names left empty");
                    return;
                }
            },
        };
        (person.first_name, person.last_name) = names;
    }
}
