//! What follows a procurement's change of state: telling the people concerned.
//!
//! Each notice is keyed by (transition, person), so a job delivered twice writes each once.

use super::JobError;
use crate::notify::{self, Notice, NotificationType};
use crate::participant::{self, Participant, ParticipantStatus};
use crate::procurement::{self, Procurement, ProcurementStatus};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

pub async fn on_transition(pool: &PgPool, procurement_id: i64, to: &str, data: &Value) -> Result<(), JobError> {
    let Ok(to) = to.parse::<ProcurementStatus>() else {
        return Err(JobError::Permanent(format!("unknown procurement status '{to}'")));
    };
    let mut tx = pool.begin().await?;
    let p = procurement::get(&mut tx, procurement_id).await?;
    let key = |user: i64| format!("procurement.{to}:{procurement_id}:user:{user}");
    match to {
        ProcurementStatus::Stopped => {
            let stop_reached = data["reason"] == "stop_amount_reached";
            let organizer = base(&p, json!({ "stop_reached": stop_reached }));
            send(
                &mut tx,
                &p,
                p.organizer_id,
                NotificationType::ProcurementUpdate,
                "procurement_stopped_organizer",
                organizer,
                key(p.organizer_id),
            )
            .await?;
            for part in participant::active_of_procurement(&mut tx, p.id).await? {
                let data = base(&p, json!({ "amount": part.amount }));
                send(
                    &mut tx,
                    &p,
                    part.user_id,
                    NotificationType::ProcurementUpdate,
                    "procurement_stopped_participant",
                    data,
                    key(part.user_id),
                )
                .await?;
            }
        }
        ProcurementStatus::Payment => {
            for part in participant::active_of_procurement(&mut tx, p.id).await? {
                if part.status != ParticipantStatus::Confirmed {
                    continue;
                }
                let data = base(&p, json!({ "amount": part.amount, "payment_deadline": p.payment_deadline }));
                send(
                    &mut tx,
                    &p,
                    part.user_id,
                    NotificationType::PaymentRequired,
                    "payment_required",
                    data,
                    key(part.user_id),
                )
                .await?;
            }
        }
        ProcurementStatus::Cancelled => {
            let below_target = data["reason"] == "below_target";
            let organizer = base(
                &p,
                json!({ "below_target": below_target, "current_amount": data["current_amount"].as_str().unwrap_or("0.00") }),
            );
            send(
                &mut tx,
                &p,
                p.organizer_id,
                NotificationType::ProcurementUpdate,
                "procurement_cancelled_organizer",
                organizer,
                key(p.organizer_id),
            )
            .await?;
            for (part, paid) in cancelled_with(&mut tx, p.id).await? {
                let data = base(&p, json!({ "amount": part.amount, "paid": paid }));
                send(
                    &mut tx,
                    &p,
                    part.user_id,
                    NotificationType::ProcurementUpdate,
                    "procurement_cancelled",
                    data,
                    key(part.user_id),
                )
                .await?;
            }
        }
        ProcurementStatus::Completed => {
            for part in participant::active_of_procurement(&mut tx, p.id).await? {
                let data = base(&p, json!({ "amount": part.amount }));
                send(
                    &mut tx,
                    &p,
                    part.user_id,
                    NotificationType::ProcurementCompleted,
                    "procurement_completed",
                    data,
                    key(part.user_id),
                )
                .await?;
            }
        }
        ProcurementStatus::Draft | ProcurementStatus::Active => {}
    }
    tx.commit().await?;
    Ok(())
}

/// What every template may use about the procurement, plus `extra`.
fn base(p: &Procurement, extra: Value) -> Value {
    let mut data = json!({
        "title": p.title,
        "current_amount": p.current_amount,
        "target_amount": p.target_amount,
        "participant_count": p.participant_count,
    });
    if let (Some(map), Value::Object(extra)) = (data.as_object_mut(), extra) {
        map.extend(extra);
    }
    data
}

#[allow(clippy::too_many_arguments)]
async fn send(
    conn: &mut PgConnection,
    p: &Procurement,
    user_id: i64,
    kind: NotificationType,
    template: &str,
    data: Value,
    dedupe_key: String,
) -> Result<(), JobError> {
    let notice = Notice { user_id, kind, template, data, procurement_id: Some(p.id), dedupe_key };
    notify::notify(conn, notice).await?;
    Ok(())
}

/// The orders the procurement's cancellation cancelled, and whether each had been paid.
async fn cancelled_with(conn: &mut PgConnection, procurement_id: i64) -> sqlx::Result<Vec<(Participant, bool)>> {
    let rows: Vec<(i64, bool)> = sqlx::query_as(
        "SELECT entity_id, COALESCE((data->>'refunded')::boolean, false) FROM event_log
         WHERE entity_type = 'participant' AND event = 'procurement_cancel'
           AND (data->>'procurement_id')::bigint = $1",
    )
    .bind(procurement_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, paid) in rows {
        if let Ok(part) = participant::get(conn, id).await {
            out.push((part, paid));
        }
    }
    Ok(out)
}
