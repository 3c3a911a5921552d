//! Procurements as staff see them (drafts included, with their participants), and the writes
//! staff make: edits, featuring, and status changes through the same use case the organizer's
//! own change goes through, so refunds, captures and notifications follow as they would.

use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::page::{Page, PageRequest};
use crate::participant::{self, Participant, ParticipantStatus};
use crate::procurement::{self, Ordering, Procurement, ProcurementFilter, ProcurementPatch, ProcurementStatus};
use crate::staff::Operator;
use crate::staff::audit::{self, Change};
use crate::transition::StateMachine;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

/// A procurement with every participant it ever had (those who left included).
#[derive(Debug, Clone)]
pub struct ProcurementRecord {
    pub procurement: Procurement,
    pub participants: Vec<Participant>,
}

impl ProcurementRecord {
    /// Orders paid for (delivered ones were paid too).
    pub fn paid_count(&self) -> i64 {
        self.participants
            .iter()
            .filter(|p| matches!(p.status, ParticipantStatus::Paid | ParticipantStatus::Delivered))
            .count() as i64
    }

    /// The states the machine allows next from the current one.
    pub fn allowed_statuses(&self) -> Vec<ProcurementStatus> {
        allowed_from(self.procurement.status)
    }
}

pub fn allowed_from(status: ProcurementStatus) -> Vec<ProcurementStatus> {
    ProcurementStatus::ALL.into_iter().filter(|to| status.transition_to(*to).is_ok()).collect()
}

/// What a bulk action does to each procurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Feature,
    Unfeature,
    Status(ProcurementStatus),
}

impl std::str::FromStr for BulkAction {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        match s {
            "feature" => Ok(Self::Feature),
            "unfeature" => Ok(Self::Unfeature),
            status => status.parse().map(Self::Status).map_err(|_| {
                DomainError::invalid(
                    "action",
                    "one of feature, unfeature, draft, active, stopped, payment, completed, cancelled",
                )
            }),
        }
    }
}

/// The staff list's `ordering`: the public list's fields, and `id`.
pub fn ordering(ordering: Option<&str>) -> DomainResult<Ordering> {
    match ordering.map(str::trim).filter(|o| !o.is_empty()) {
        None => Ok(Ordering::default()),
        Some("id") => Ok(Ordering::By { column: "p.id", descending: false }),
        Some("-id") => Ok(Ordering::By { column: "p.id", descending: true }),
        Some(o) => o.parse::<Ordering>().map_err(|_| {
            DomainError::invalid(
                "ordering",
                "one of id, created_at, deadline, target_amount, current_amount, title, participant_count, \
                 optionally prefixed with '-'",
            )
        }),
    }
}

async fn with_participants(conn: &mut PgConnection, list: Vec<Procurement>) -> sqlx::Result<Vec<ProcurementRecord>> {
    let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
    let mut all = participant::of_procurements(conn, &ids).await?;
    Ok(list
        .into_iter()
        .map(|procurement| {
            let (mine, rest) = all.drain(..).partition(|pa| pa.procurement_id == procurement.id);
            all = rest;
            ProcurementRecord { procurement, participants: mine }
        })
        .collect())
}

/// A page of procurements, drafts included, under the staff filters (`filter.drafts` is ignored).
pub async fn list(
    conn: &mut PgConnection,
    filter: &ProcurementFilter,
    page: PageRequest,
) -> DomainResult<Page<ProcurementRecord>> {
    let filter = ProcurementFilter { drafts: procurement::DraftVisibility::All, ..filter.clone() };
    let found = procurement::list(&mut *conn, &filter, page).await?;
    let results = with_participants(conn, found.results).await?;
    Ok(Page { count: found.count, count_exact: found.count_exact, page: found.page, size: found.size, results })
}

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<ProcurementRecord> {
    let p = procurement::get(&mut *conn, id).await?;
    Ok(with_participants(conn, vec![p]).await?.remove(0))
}

/// Every participant of a procurement, those who left included; 404 for an unknown one.
pub async fn participants(conn: &mut PgConnection, id: i64) -> DomainResult<Vec<Participant>> {
    procurement::get(&mut *conn, id).await?;
    Ok(participant::of_procurements(conn, &[id]).await?)
}

/// What the audit log keeps of a procurement: the fields staff change.
fn snapshot(p: &Procurement) -> Value {
    json!({
        "title": p.title, "description": p.description, "category": p.category_id, "city": p.city,
        "is_featured": p.is_featured, "deadline": p.deadline, "payment_deadline": p.payment_deadline,
        "status": p.status,
    })
}

fn procurement_change(action: &'static str, id: i64, before: Value, after: Value) -> Change<'static> {
    Change { action, entity: "procurement", entity_id: id.to_string(), before: Some(before), after: Some(after) }
}

/// Edits a procurement as staff, through the organizer's edit rules (inside this transaction,
/// so the audit row commits with the change).
pub async fn update(
    pool: &PgPool,
    operator: Operator,
    id: i64,
    patch: ProcurementPatch,
    now: DateTime<Utc>,
) -> DomainResult<ProcurementRecord> {
    let mut tx = pool.begin().await?;
    let before = procurement::lock(&mut tx, id).await?;
    let after = procurement::edit_in(&mut tx, Actor::System, id, patch, now).await?;
    audit::record(&mut tx, operator, procurement_change("procurement.update", id, snapshot(&before), snapshot(&after)))
        .await?;
    let record = with_participants(&mut tx, vec![after]).await?.remove(0);
    tx.commit().await?;
    Ok(record)
}

/// Moves a procurement to `target` through its state machine: the organizer's own use case,
/// run inside this transaction so the audit row commits with the transition. The old and new
/// status.
pub async fn update_status(
    pool: &PgPool,
    operator: Operator,
    id: i64,
    target: ProcurementStatus,
    now: DateTime<Utc>,
) -> DomainResult<(ProcurementStatus, ProcurementStatus)> {
    let mut tx = pool.begin().await?;
    let old = status_change(&mut tx, operator, id, target, now).await?;
    tx.commit().await?;
    Ok((old, target))
}

async fn status_change(
    conn: &mut PgConnection,
    operator: Operator,
    id: i64,
    target: ProcurementStatus,
    now: DateTime<Utc>,
) -> DomainResult<ProcurementStatus> {
    let before = procurement::lock(&mut *conn, id).await?;
    let after = procurement::change_status_in(&mut *conn, id, target, Actor::System, now).await?;
    let change = procurement_change(
        "procurement.update_status",
        id,
        json!({ "status": before.status }),
        json!({ "status": after.status }),
    );
    audit::record(conn, operator, change).await?;
    Ok(before.status)
}

/// Flips `is_featured` in one statement. The new value.
pub async fn toggle_featured(pool: &PgPool, operator: Operator, id: i64) -> DomainResult<bool> {
    let mut tx = pool.begin().await?;
    let featured = flip_featured(&mut tx, operator, id, None).await?;
    tx.commit().await?;
    Ok(featured)
}

/// Sets `is_featured` (to `to`, or its opposite when `None`) and records it; the new value.
async fn flip_featured(conn: &mut PgConnection, operator: Operator, id: i64, to: Option<bool>) -> DomainResult<bool> {
    let (was, featured) = procurement::set_featured(&mut *conn, id, to).await?;
    let action = if to.is_some() { "procurement.bulk_action" } else { "procurement.toggle_featured" };
    let change = procurement_change(action, id, json!({ "is_featured": was }), json!({ "is_featured": featured }));
    audit::record(conn, operator, change).await?;
    Ok(featured)
}

/// The outcome of a bulk action: how many were changed, and why the others were not.
#[derive(Debug, Clone, Default)]
pub struct BulkOutcome {
    pub affected: u64,
    pub failed: Vec<(i64, String)>,
}

/// Applies `action` to each procurement in its own transaction: one refused (an illegal jump, an
/// unknown id) is reported and leaves the others to go through.
pub async fn bulk_action(
    pool: &PgPool,
    operator: Operator,
    ids: &[i64],
    action: BulkAction,
    now: DateTime<Utc>,
) -> DomainResult<BulkOutcome> {
    crate::admin::list::bulk_ids(ids)?;
    let mut outcome = BulkOutcome::default();
    for &id in ids {
        let mut tx = pool.begin().await?;
        let done = match action {
            BulkAction::Feature => flip_featured(&mut tx, operator, id, Some(true)).await.map(drop),
            BulkAction::Unfeature => flip_featured(&mut tx, operator, id, Some(false)).await.map(drop),
            BulkAction::Status(target) => status_change(&mut tx, operator, id, target, now).await.map(drop),
        };
        match done {
            Ok(()) => {
                tx.commit().await?;
                outcome.affected += 1;
            }
            Err(e) if e.is_retryable() => return Err(e),
            Err(e) => outcome.failed.push((id, e.to_string())),
        }
    }
    Ok(outcome)
}
