//! Dead letters and the doctor's report, as staff act on them.

use poem_openapi::Object;
use workflows::admin::doctor::Report;

#[derive(Object)]
pub struct DeadRetryIn {
    #[oai(validator(max_length = 50), deserialize_with = "crate::wire::strict")]
    pub queue: String,
    /// One dead job; every dead job of the queue when omitted.
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    pub task_id: Option<String>,
}

#[derive(Object)]
pub struct DeadDiscardIn {
    #[oai(validator(max_length = 50), deserialize_with = "crate::wire::strict")]
    pub queue: String,
    /// One dead job; otherwise every dead job of the queue matching `search` (all without it).
    #[oai(nullable, validator(min_length = 1, max_length = 200))]
    pub task_id: Option<String>,
    /// Text to find in the job's JSON, its task id or its last error.
    #[oai(nullable, validator(max_length = 200))]
    pub search: Option<String>,
}

#[derive(Object)]
pub struct CheckOut {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Object)]
pub struct DoctorOut {
    pub ok: bool,
    pub checks: Vec<CheckOut>,
}

impl From<Report> for DoctorOut {
    fn from(r: Report) -> Self {
        Self {
            ok: r.ok,
            checks: r.checks.into_iter().map(|c| CheckOut { name: c.name, ok: c.ok, detail: c.detail }).collect(),
        }
    }
}
