use super::status::ParticipantStatus;
use crate::money::{Money, Quantity};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Participant {
    pub id: i64,
    pub procurement_id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub quantity: Quantity,
    /// What this order costs: quantity × price per unit, computed by the server.
    pub amount: Money,
    pub status: ParticipantStatus,
    pub notes: String,
    /// False once cancelled (derived from the status in the database).
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
