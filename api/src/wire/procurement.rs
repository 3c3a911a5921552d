use super::Text;
use super::enums::ProcurementStatusName;
use super::fixed::{Amount, Pct, PositiveAmount, PositiveQty, Qty};
use super::participant::ParticipantOut;
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use workflows::procurement::Procurement;

/// A procurement in lists.
#[derive(Object)]
pub struct ProcurementListItem {
    pub id: i64,
    pub title: String,
    #[oai(nullable)]
    pub category: Option<i64>,
    #[oai(nullable)]
    pub category_name: Option<String>,
    pub organizer: i64,
    pub organizer_name: String,
    pub city: String,
    pub target_amount: Amount,
    pub current_amount: Amount,
    #[oai(nullable)]
    pub stop_at_amount: Option<Amount>,
    #[oai(nullable)]
    pub price_per_unit: Option<Amount>,
    pub unit: String,
    /// Percent of the target collected (0–100, truncated).
    pub progress: i32,
    /// People taking part now (those who left are not counted).
    pub participant_count: i32,
    pub status: ProcurementStatusName,
    pub deadline: DateTime<Utc>,
    pub days_left: i64,
    pub can_join: bool,
    pub image_url: String,
    pub is_featured: bool,
}

impl ProcurementListItem {
    pub fn new(p: Procurement, now: DateTime<Utc>) -> Self {
        Self {
            id: p.id,
            progress: p.progress(),
            days_left: p.days_left(now),
            can_join: p.can_join(now),
            title: p.title,
            category: p.category_id,
            category_name: p.category_name,
            organizer: p.organizer_id,
            organizer_name: p.organizer_name,
            city: p.city,
            target_amount: p.target_amount.into(),
            current_amount: p.current_amount.into(),
            stop_at_amount: p.stop_at_amount.map(Into::into),
            price_per_unit: p.price_per_unit.map(Into::into),
            unit: p.unit,
            participant_count: p.participant_count,
            status: p.status.into(),
            deadline: p.deadline,
            image_url: p.image_url,
            is_featured: p.is_featured,
        }
    }
}

/// A procurement with everything about it, including its current participants.
#[derive(Object)]
pub struct ProcurementDetail {
    pub id: i64,
    pub title: String,
    pub description: String,
    #[oai(nullable)]
    pub category: Option<i64>,
    #[oai(nullable)]
    pub category_name: Option<String>,
    pub organizer: i64,
    pub organizer_name: String,
    #[oai(nullable)]
    pub supplier: Option<i64>,
    pub city: String,
    pub delivery_address: String,
    pub target_amount: Amount,
    pub current_amount: Amount,
    #[oai(nullable)]
    pub stop_at_amount: Option<Amount>,
    pub unit: String,
    #[oai(nullable)]
    pub price_per_unit: Option<Amount>,
    /// The smallest quantity one participant may order.
    pub min_quantity: Qty,
    /// The organizer's commission, taken from each captured payment.
    pub commission_percent: Pct,
    pub status: ProcurementStatusName,
    pub status_display: String,
    pub deadline: DateTime<Utc>,
    #[oai(nullable)]
    pub payment_deadline: Option<DateTime<Utc>>,
    pub image_url: String,
    pub is_featured: bool,
    pub progress: i32,
    pub participant_count: i32,
    pub days_left: i64,
    pub can_join: bool,
    pub participants: Vec<ParticipantOut>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProcurementDetail {
    pub fn new(p: Procurement, participants: Vec<ParticipantOut>, now: DateTime<Utc>) -> Self {
        Self {
            id: p.id,
            progress: p.progress(),
            days_left: p.days_left(now),
            can_join: p.can_join(now),
            status_display: p.status.display().into(),
            title: p.title,
            description: p.description,
            category: p.category_id,
            category_name: p.category_name,
            organizer: p.organizer_id,
            organizer_name: p.organizer_name,
            supplier: p.supplier_id,
            city: p.city,
            delivery_address: p.delivery_address,
            target_amount: p.target_amount.into(),
            current_amount: p.current_amount.into(),
            stop_at_amount: p.stop_at_amount.map(Into::into),
            unit: p.unit,
            price_per_unit: p.price_per_unit.map(Into::into),
            min_quantity: p.min_quantity.into(),
            commission_percent: p.commission_percent.into(),
            status: p.status.into(),
            deadline: p.deadline,
            payment_deadline: p.payment_deadline,
            image_url: p.image_url,
            is_featured: p.is_featured,
            participant_count: p.participant_count,
            participants,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A new procurement; it starts as a draft that its organizer publishes.
#[derive(Object)]
pub struct CreateProcurement {
    #[oai(validator(min_length = 1, max_length = 200), deserialize_with = "crate::wire::strict")]
    pub title: String,
    #[oai(validator(min_length = 1, max_length = 10000), deserialize_with = "crate::wire::strict")]
    pub description: String,
    #[oai(nullable)]
    pub category: Option<i64>,
    /// The organizing user; a user token may only name itself.
    pub organizer: i64,
    #[oai(nullable)]
    pub supplier: Option<i64>,
    #[oai(validator(min_length = 1, max_length = 100), deserialize_with = "crate::wire::strict")]
    pub city: String,
    #[oai(default, nullable, validator(max_length = 1000))]
    pub delivery_address: Text,
    pub target_amount: PositiveAmount,
    /// Joining stops when the collected amount reaches this.
    #[oai(nullable)]
    pub stop_at_amount: Option<PositiveAmount>,
    #[oai(default, nullable, validator(max_length = 20))]
    pub unit: Text,
    /// When set, each order's amount is quantity × this price, computed by the server.
    #[oai(nullable)]
    pub price_per_unit: Option<PositiveAmount>,
    #[oai(nullable)]
    pub min_quantity: Option<PositiveQty>,
    #[oai(nullable)]
    pub commission_percent: Option<Pct>,
    /// Must be in the future.
    pub deadline: DateTime<Utc>,
    #[oai(nullable)]
    pub payment_deadline: Option<DateTime<Utc>>,
    #[oai(default, nullable, validator(max_length = 500))]
    pub image_url: Text,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Object)]
pub struct UpdateProcurement {
    #[oai(nullable, validator(min_length = 1, max_length = 200), deserialize_with = "crate::wire::strict")]
    pub title: Option<String>,
    #[oai(nullable, validator(min_length = 1, max_length = 10000), deserialize_with = "crate::wire::strict")]
    pub description: Option<String>,
    #[oai(nullable)]
    pub category: poem_openapi::types::MaybeUndefined<i64>,
    #[oai(nullable, validator(min_length = 1, max_length = 100), deserialize_with = "crate::wire::strict")]
    pub city: Option<String>,
    #[oai(nullable, validator(max_length = 1000), deserialize_with = "crate::wire::strict")]
    pub delivery_address: Option<String>,
    #[oai(nullable)]
    pub target_amount: Option<PositiveAmount>,
    #[oai(nullable)]
    pub stop_at_amount: poem_openapi::types::MaybeUndefined<PositiveAmount>,
    #[oai(nullable, validator(max_length = 20), deserialize_with = "crate::wire::strict")]
    pub unit: Option<String>,
    #[oai(nullable)]
    pub price_per_unit: poem_openapi::types::MaybeUndefined<PositiveAmount>,
    #[oai(nullable)]
    pub min_quantity: Option<PositiveQty>,
    #[oai(nullable)]
    pub commission_percent: Option<Pct>,
    #[oai(nullable)]
    pub deadline: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub payment_deadline: poem_openapi::types::MaybeUndefined<DateTime<Utc>>,
    #[oai(nullable, validator(max_length = 500), deserialize_with = "crate::wire::strict")]
    pub image_url: Option<String>,
    /// Staff and service clients only.
    #[oai(nullable)]
    pub is_featured: Option<bool>,
}

#[derive(Object)]
pub struct StatusChange {
    pub status: ProcurementStatusName,
}

#[derive(Object)]
pub struct StatusOut {
    pub status: ProcurementStatusName,
    pub status_display: String,
}

#[derive(Object)]
pub struct UserRef {
    pub user_id: i64,
}

#[derive(Object)]
pub struct JoinProcurement {
    pub user_id: i64,
    /// Defaults to 1.
    #[oai(nullable)]
    pub quantity: Option<PositiveQty>,
    /// Optional: the server computes quantity × price per unit and refuses a different value.
    /// Required only when the procurement has no price per unit.
    #[oai(nullable)]
    pub amount: Option<Amount>,
    #[oai(default, nullable, validator(max_length = 1000))]
    pub notes: Text,
}

#[derive(Object)]
pub struct Message {
    pub message: String,
}

#[derive(Object)]
pub struct Access {
    pub access: bool,
    #[oai(nullable)]
    pub error: Option<String>,
}

/// A procurement the user takes part in, with their own order.
#[derive(Object)]
pub struct ParticipatingItem {
    #[oai(flatten)]
    pub procurement: ProcurementListItem,
    pub my_amount: Amount,
    pub my_quantity: Qty,
}

#[derive(Object)]
pub struct UserProcurementsOut {
    pub organized: Vec<ProcurementListItem>,
    pub participating: Vec<ParticipatingItem>,
}
