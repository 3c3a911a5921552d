//! Procurements as the staff API shows and changes them.

use crate::wire::enums::ProcurementStatusName;
use crate::wire::participant::ParticipantOut;
use crate::wire::procurement::ProcurementDetail;
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use workflows::admin::procurements::ProcurementRecord;

/// The public detail shape (with its current participants) plus what staff need.
#[derive(Object)]
pub struct AdminProcurementOut {
    #[oai(flatten)]
    pub detail: ProcurementDetail,
    /// Orders paid for (delivered ones included).
    pub paid_count: i64,
    /// The states the machine allows next (for `update_status`).
    pub allowed_statuses: Vec<ProcurementStatusName>,
}

impl AdminProcurementOut {
    pub fn new(r: ProcurementRecord, now: DateTime<Utc>) -> Self {
        let paid_count = r.paid_count();
        let allowed_statuses = r.allowed_statuses().into_iter().map(Into::into).collect();
        let current = r.participants.into_iter().filter(|p| p.is_active).map(ParticipantOut::from).collect();
        Self { detail: ProcurementDetail::new(r.procurement, current, now), paid_count, allowed_statuses }
    }
}

/// Fields to change; absent ones stay, `null` clears an optional one. The status changes only
/// through `update_status` (its state machine), so a `status` here is refused.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct AdminProcurementPatch {
    #[oai(validator(min_length = 1, max_length = 200), deserialize_with = "crate::wire::strict_present")]
    pub title: Option<String>,
    #[oai(validator(min_length = 1, max_length = 10000), deserialize_with = "crate::wire::strict_present")]
    pub description: Option<String>,
    #[oai(nullable)]
    pub category: MaybeUndefined<i64>,
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub is_featured: Option<bool>,
    #[oai(deserialize_with = "crate::wire::not_null")]
    pub deadline: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub payment_deadline: MaybeUndefined<DateTime<Utc>>,
    #[oai(validator(min_length = 1, max_length = 100), deserialize_with = "crate::wire::strict_present")]
    pub city: Option<String>,
    /// Refused (400): change the status with `POST …/update_status/`.
    pub status: Option<serde_json::Value>,
}

#[derive(Object)]
pub struct AdminStatusChange {
    pub status: ProcurementStatusName,
}

#[derive(Object)]
pub struct StatusChanged {
    pub old_status: ProcurementStatusName,
    pub new_status: ProcurementStatusName,
}

#[derive(Object)]
pub struct FeaturedOut {
    pub is_featured: bool,
}

#[derive(Object)]
pub struct ProcurementBulkAction {
    pub ids: Vec<i64>,
    /// `feature`, `unfeature`, or a status to move each one to through the state machine.
    pub action: String,
}

#[derive(Object)]
pub struct BulkFailure {
    pub id: i64,
    pub error: String,
}

#[derive(Object)]
pub struct ProcurementBulkOutcome {
    pub affected: u64,
    /// Those not changed, and why (an illegal jump, an unknown id).
    pub failed: Vec<BulkFailure>,
}
