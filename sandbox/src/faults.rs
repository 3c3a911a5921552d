//! Fault injection: the next calls of a method hang, fail with HTTP 500, or answer a business
//! error, so tests can see what the platform does when the bank misbehaves.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// What goes wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Fault {
    /// No answer for `delay`, then HTTP 504; nothing changes.
    Timeout { delay: Duration },
    /// The call is carried out, but its answer comes only after `delay` (the client has given up).
    LostResponse { delay: Duration },
    /// HTTP 500; nothing changes.
    Http500,
    /// A business error inside HTTP 200; nothing changes.
    Error { code: i64, message: String },
}

/// The JSON body of `POST /sandbox/faults`:
///
/// ```json
/// {"method": "get_payment", "fault": "timeout", "times": 2, "delay_ms": 30000}
/// {"method": "identification_payment", "fault": "lost_response"}
/// {"method": "transfer_between_virtual_accounts", "fault": "no_response"}
/// {"method": "create_deal", "fault": "http_500"}
/// {"method": "execute_deal", "fault": {"error": 4415, "message": "Insufficient funds"}}
/// ```
///
/// `times` defaults to 1 and `delay_ms` (for `timeout` and `lost_response`) to 30 000, longer
/// than the client's default timeout. Setting a fault for a method replaces the previous one.
#[derive(Debug, Clone, Deserialize)]
pub struct FaultSpec {
    pub method: String,
    pub fault: FaultKind,
    #[serde(default = "one")]
    pub times: u32,
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FaultKind {
    /// `timeout`, `lost_response`, `no_response` (carried out, never answered) or `http_500`.
    Named(String),
    Error {
        error: i64,
        #[serde(default)]
        message: Option<String>,
    },
}

fn one() -> u32 {
    1
}

impl FaultSpec {
    pub fn fault(&self) -> Result<Fault, String> {
        let delay = Duration::from_millis(self.delay_ms.unwrap_or(30_000));
        Ok(match &self.fault {
            FaultKind::Named(name) if name == "timeout" => Fault::Timeout { delay },
            FaultKind::Named(name) if name == "lost_response" => Fault::LostResponse { delay },
            // A day is "never" for any client: it gives up long before.
            FaultKind::Named(name) if name == "no_response" => {
                Fault::LostResponse { delay: Duration::from_secs(86_400) }
            }
            FaultKind::Named(name) if name == "http_500" => Fault::Http500,
            FaultKind::Named(name) => return Err(format!("unknown fault {name:?}")),
            FaultKind::Error { error, message } => {
                Fault::Error { code: *error, message: message.clone().unwrap_or_else(|| "Injected error".into()) }
            }
        })
    }
}

/// Faults waiting for their method, with how many calls each still affects.
#[derive(Debug, Default, Serialize)]
pub struct Faults {
    pending: HashMap<String, (Fault, u32)>,
}

impl Faults {
    pub fn set(&mut self, method: &str, fault: Fault, times: u32) {
        if times == 0 {
            self.pending.remove(method);
        } else {
            self.pending.insert(method.into(), (fault, times));
        }
    }

    /// The fault for this call of `method`, if any, counting it down.
    pub fn take(&mut self, method: &str) -> Option<Fault> {
        let (fault, left) = self.pending.get_mut(method)?;
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            self.pending.remove(method);
        }
        Some(fault)
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }
}
