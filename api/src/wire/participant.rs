use super::enums::ParticipantStatusName;
use super::fixed::{Amount, Qty};
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::participant::Participant;

#[derive(Object)]
pub struct ParticipantOut {
    pub id: i64,
    pub procurement: i64,
    pub user: i64,
    pub user_name: String,
    pub quantity: Qty,
    pub amount: Amount,
    pub status: ParticipantStatusName,
    pub status_display: String,
    pub notes: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Participant> for ParticipantOut {
    fn from(p: Participant) -> Self {
        Self {
            id: p.id,
            procurement: p.procurement_id,
            user: p.user_id,
            user_name: p.user_name,
            quantity: p.quantity.into(),
            amount: p.amount.into(),
            status: p.status.into(),
            status_display: p.status.display().into(),
            notes: p.notes,
            is_active: p.is_active,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Object)]
pub struct ParticipantStatusChange {
    pub status: ParticipantStatusName,
}
