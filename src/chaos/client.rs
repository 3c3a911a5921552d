//! The load's HTTP client: the API processes behind it as behind a load balancer (each request
//! to the next one; a request that cannot even connect goes to another, since nothing was sent),
//! and every answer to a write classified and counted.

use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Who a request is sent as.
#[derive(Clone, Copy)]
pub enum Who<'a> {
    /// The service key (an integration acting for anyone).
    Service,
    /// A person's JWT.
    User(&'a str),
}

/// What became of a request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// 2xx, with the body.
    Accepted(Value),
    /// An error answer: its status and machine code.
    Refused { status: u16, code: String },
    /// No answer: the connection broke or timed out after the request left, so it may or may
    /// not have taken effect.
    Unanswered(String),
}

impl Answer {
    /// Whether the request may have taken effect although it was not accepted: no answer, or a
    /// 5xx (a commit whose answer the database lost is rare, but not impossible).
    pub fn in_doubt(&self) -> bool {
        match self {
            Answer::Accepted(_) => false,
            Answer::Refused { status, .. } => *status >= 500,
            Answer::Unanswered(_) => true,
        }
    }
}

/// The writes of one stretch of load, by outcome.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub accepted: u64,
    /// By status and code.
    pub refused: BTreeMap<(u16, String), u64>,
    pub unanswered: u64,
    /// Why the first few went unanswered.
    pub unanswered_why: Vec<String>,
    /// Answers the platform promises never to give to a valid request: a 500, or an error that
    /// is not the JSON `{"error", "code"}`.
    pub broken: Vec<String>,
}

impl Tally {
    pub fn refused_total(&self) -> u64 {
        self.refused.values().sum()
    }
}

pub struct Api {
    http: reqwest::Client,
    bases: Vec<String>,
    next: AtomicUsize,
    key: String,
    tally: Mutex<Tally>,
}

/// Longer than the API's wait for a database connection (5 s), so an outage is answered, not
/// timed out.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

impl Api {
    pub fn new(bases: Vec<String>, key: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build()?;
        Ok(Self { http, bases, next: AtomicUsize::new(0), key: key.to_string(), tally: Mutex::default() })
    }

    pub fn bases(&self) -> &[String] {
        &self.bases
    }

    /// A write of the load, counted.
    pub async fn write(&self, method: Method, path: &str, who: Who<'_>, body: &Value) -> Answer {
        let answer = self.send(method.clone(), path, who, Some(body)).await;
        let mut tally = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        match &answer {
            Answer::Accepted(_) => tally.accepted += 1,
            Answer::Refused { status, code } => {
                *tally.refused.entry((*status, code.clone())).or_default() += 1;
                if *status == 500 || code.is_empty() {
                    tally.broken.push(format!("{method} {path} answered {status} {code}"));
                }
            }
            Answer::Unanswered(why) => {
                tally.unanswered += 1;
                if tally.unanswered_why.len() < 3 {
                    tally.unanswered_why.push(format!("{method} {path}: {why}"));
                }
            }
        }
        answer
    }

    /// A read, not counted.
    pub async fn get(&self, path: &str, who: Who<'_>) -> Answer {
        self.send(Method::GET, path, who, None).await
    }

    /// A read for a check: asked again while the platform cannot answer (a fault may still be
    /// settling); an error once it answers something other than 2xx.
    pub async fn read(&self, path: &str, who: Who<'_>) -> anyhow::Result<Value> {
        let mut last = None;
        for _ in 0..10 {
            match self.get(path, who).await {
                Answer::Accepted(body) => return Ok(body),
                answer if answer.in_doubt() => last = Some(answer),
                answer => anyhow::bail!("GET {path}: {answer:?}"),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        anyhow::bail!("GET {path}: {last:?}")
    }

    /// What the writes since the last call came to, and a fresh count.
    pub fn take_tally(&self) -> Tally {
        std::mem::take(&mut *self.tally.lock().unwrap_or_else(|e| e.into_inner()))
    }

    async fn send(&self, method: Method, path: &str, who: Who<'_>, body: Option<&Value>) -> Answer {
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let mut refused_connection = String::new();
        for n in 0..self.bases.len() {
            let base = &self.bases[(first + n) % self.bases.len()];
            let token = match who {
                Who::Service => self.key.as_str(),
                Who::User(token) => token,
            };
            let mut request = self.http.request(method.clone(), format!("{base}{path}")).bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            match request.send().await {
                Ok(response) => return classify(response).await,
                // Nothing left: the next API process may take it.
                Err(e) if e.is_connect() => refused_connection = e.to_string(),
                Err(e) => return Answer::Unanswered(e.to_string()),
            }
        }
        Answer::Unanswered(format!("no API process accepts connections: {refused_connection}"))
    }
}

async fn classify(response: reqwest::Response) -> Answer {
    let status = response.status();
    let body = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
        Err(e) => return Answer::Unanswered(format!("{status}, then the body broke off: {e}")),
    };
    if status.is_success() {
        return Answer::Accepted(body);
    }
    // An error without its JSON code is left with an empty one: `Tally` counts it as broken.
    let code = match (&body["code"], &body["error"]) {
        (Value::String(code), Value::String(_)) => code.clone(),
        _ => String::new(),
    };
    Answer::Refused { status: status.as_u16(), code }
}
