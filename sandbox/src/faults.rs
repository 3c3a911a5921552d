//! Fault injection: the next calls of a method (or every call for a while) hang, fail with HTTP
//! 500, or answer a business error, so tests can see what the platform does when the bank
//! misbehaves.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The method name that stands for every method without a fault of its own.
pub const ANY_METHOD: &str = "*";

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
/// {"method": "*", "fault": "http_500", "for_ms": 60000}
/// ```
///
/// `times` defaults to 1 and `delay_ms` (for `timeout` and `lost_response`) to 30 000, longer
/// than the client's default timeout. `for_ms` makes the fault last that long instead, whatever
/// the number of calls (an outage), and the method `*` stands for every method that has no
/// fault of its own. Setting a fault for a method replaces the previous one.
#[derive(Debug, Clone, Deserialize)]
pub struct FaultSpec {
    pub method: String,
    pub fault: FaultKind,
    #[serde(default = "one")]
    pub times: u32,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub for_ms: Option<u64>,
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

    /// How long the fault lasts: `for_ms` when given, otherwise `times` calls.
    pub fn span(&self) -> Span {
        match self.for_ms {
            Some(ms) => Span::Until(Instant::now() + Duration::from_millis(ms)),
            None => Span::Calls(self.times),
        }
    }
}

/// How much longer a fault lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// This many more calls.
    Calls(u32),
    /// Every call until then.
    Until(Instant),
}

/// As `GET /sandbox/state` shows it: `{"calls": n}` or `{"for_ms": what is left}`.
impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Span::Calls(left) => map.serialize_entry("calls", left)?,
            Span::Until(end) => {
                let left = end.saturating_duration_since(Instant::now()).as_millis() as u64;
                map.serialize_entry("for_ms", &left)?
            }
        }
        map.end()
    }
}

impl Span {
    fn over(&self) -> bool {
        match self {
            Span::Calls(left) => *left == 0,
            Span::Until(end) => Instant::now() >= *end,
        }
    }
}

/// Faults waiting for their method, with how long each still lasts.
#[derive(Debug, Default, Serialize)]
pub struct Faults {
    pending: HashMap<String, (Fault, Span)>,
}

impl Faults {
    pub fn set(&mut self, method: &str, fault: Fault, span: Span) {
        if span.over() {
            self.pending.remove(method);
        } else {
            self.pending.insert(method.into(), (fault, span));
        }
    }

    /// The fault for this call of `method` (its own, else the one for every method), if any,
    /// counting it down.
    pub fn take(&mut self, method: &str) -> Option<Fault> {
        self.pending.retain(|_, (_, span)| !span.over());
        let key = if self.pending.contains_key(method) { method } else { ANY_METHOD };
        let (fault, span) = self.pending.get_mut(key)?;
        let fault = fault.clone();
        if let Span::Calls(left) = span {
            *left -= 1;
        }
        if span.over() {
            self.pending.remove(key);
        }
        Some(fault)
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }
}
