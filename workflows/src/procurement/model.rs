//! The procurement and the rules for creating and editing one.

use super::status::ProcurementStatus;
use crate::error::{DomainError, DomainResult};
use crate::money::{Money, Quantity};
use chrono::{DateTime, Utc};

pub use ::money::Percent;

/// Highest commission an organizer may take, in percent.
pub const MAX_COMMISSION_PERCENT: i64 = 10;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Procurement {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub organizer_id: i64,
    pub organizer_name: String,
    pub supplier_id: Option<i64>,
    pub city: String,
    pub delivery_address: String,
    pub target_amount: Money,
    pub current_amount: Money,
    pub stop_at_amount: Option<Money>,
    pub unit: String,
    pub price_per_unit: Option<Money>,
    pub min_quantity: Quantity,
    pub commission_percent: Percent,
    pub status: ProcurementStatus,
    pub deadline: DateTime<Utc>,
    pub payment_deadline: Option<DateTime<Utc>>,
    pub image_url: String,
    pub is_featured: bool,
    pub participant_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Procurement {
    /// Percent of the target collected, truncated to 0..=100.
    pub fn progress(&self) -> i32 {
        let target = self.target_amount.kopecks();
        if target <= 0 {
            return 0;
        }
        (i128::from(self.current_amount.kopecks()) * 100 / i128::from(target)).clamp(0, 100) as i32
    }

    /// Whole days until the deadline, never negative.
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.deadline - now).num_days().max(0)
    }

    pub fn stop_reached(&self) -> bool {
        self.stop_at_amount.is_some_and(|stop| self.current_amount >= stop)
    }

    pub fn can_join(&self, now: DateTime<Utc>) -> bool {
        self.status == ProcurementStatus::Active && self.deadline > now && !self.stop_reached()
    }

    /// Drafts are private to their organizer: to anyone else they do not exist.
    pub fn hidden_from(&self, actor: crate::Actor) -> bool {
        self.status == ProcurementStatus::Draft && !actor.may_act_for(self.organizer_id)
    }

    /// What is left before the stop amount, if there is one.
    pub fn remaining_to_stop(&self) -> Option<Money> {
        self.stop_at_amount.map(|stop| stop.checked_sub(self.current_amount).unwrap_or_default())
    }
}

#[derive(Debug, Clone)]
pub struct NewProcurement {
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub organizer_id: i64,
    pub supplier_id: Option<i64>,
    pub city: String,
    pub delivery_address: String,
    pub target_amount: Money,
    pub stop_at_amount: Option<Money>,
    pub unit: String,
    pub price_per_unit: Option<Money>,
    pub min_quantity: Option<Quantity>,
    pub commission_percent: Option<Percent>,
    pub deadline: DateTime<Utc>,
    pub payment_deadline: Option<DateTime<Utc>>,
    pub image_url: String,
}

/// Changes to a procurement; `None` leaves a field alone. Terms that participants agreed to
/// (price, minimum quantity, commission) can change only while it is a draft.
#[derive(Debug, Clone, Default)]
pub struct ProcurementPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category_id: Option<Option<i64>>,
    pub city: Option<String>,
    pub delivery_address: Option<String>,
    pub target_amount: Option<Money>,
    pub stop_at_amount: Option<Option<Money>>,
    pub unit: Option<String>,
    pub price_per_unit: Option<Option<Money>>,
    pub min_quantity: Option<Quantity>,
    pub commission_percent: Option<Percent>,
    pub deadline: Option<DateTime<Utc>>,
    pub payment_deadline: Option<Option<DateTime<Utc>>>,
    pub image_url: Option<String>,
    pub is_featured: Option<bool>,
}

fn required_text(field: &'static str, value: &str, max_chars: usize) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if value.chars().count() > max_chars {
        return Err(DomainError::invalid(field, format!("at most {max_chars} characters")));
    }
    Ok(value.to_string())
}

fn positive(field: &'static str, amount: Money) -> DomainResult<Money> {
    if !amount.is_positive() {
        return Err(DomainError::invalid(field, "must be greater than zero"));
    }
    Ok(amount)
}

fn future(field: &'static str, at: DateTime<Utc>, now: DateTime<Utc>) -> DomainResult<DateTime<Utc>> {
    if at <= now {
        return Err(DomainError::invalid(field, "must be in the future"));
    }
    Ok(at)
}

fn commission(percent: Percent) -> DomainResult<Percent> {
    if percent.hundredths() < 0 || percent.hundredths() > MAX_COMMISSION_PERCENT * 100 {
        return Err(DomainError::invalid(
            "commission_percent",
            format!("must be between 0 and {MAX_COMMISSION_PERCENT}"),
        ));
    }
    Ok(percent)
}

fn min_quantity(q: Quantity) -> DomainResult<Quantity> {
    if !q.is_positive() {
        return Err(DomainError::invalid("min_quantity", "must be greater than zero"));
    }
    Ok(q)
}

fn url(field: &'static str, value: &str) -> DomainResult<String> {
    let value = value.trim();
    if !(value.is_empty() || value.starts_with("https://") || value.starts_with("http://")) {
        return Err(DomainError::invalid(field, "must be an http(s) URL"));
    }
    if value.len() > 500 {
        return Err(DomainError::invalid(field, "at most 500 characters"));
    }
    Ok(value.to_string())
}

fn unit(value: &str) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok("units".into());
    }
    if value.chars().count() > 20 {
        return Err(DomainError::invalid("unit", "at most 20 characters"));
    }
    Ok(value.to_string())
}

impl NewProcurement {
    pub fn validated(mut self, now: DateTime<Utc>) -> DomainResult<Self> {
        self.title = required_text("title", &self.title, 200)?;
        self.description = required_text("description", &self.description, 10_000)?;
        self.city = required_text("city", &self.city, 100)?;
        if self.delivery_address.chars().count() > 1_000 {
            return Err(DomainError::invalid("delivery_address", "at most 1000 characters"));
        }
        self.target_amount = positive("target_amount", self.target_amount)?;
        if let Some(stop) = self.stop_at_amount {
            positive("stop_at_amount", stop)?;
        }
        if let Some(price) = self.price_per_unit {
            positive("price_per_unit", price)?;
        }
        self.unit = unit(&self.unit)?;
        self.min_quantity = self.min_quantity.map(min_quantity).transpose()?;
        self.commission_percent = self.commission_percent.map(commission).transpose()?;
        self.deadline = future("deadline", self.deadline, now)?;
        if let Some(pd) = self.payment_deadline
            && pd < self.deadline
        {
            return Err(DomainError::invalid("payment_deadline", "must not be before the deadline"));
        }
        self.image_url = url("image_url", &self.image_url)?;
        Ok(self)
    }
}

impl ProcurementPatch {
    pub fn validated(mut self, current: &Procurement, now: DateTime<Utc>) -> DomainResult<Self> {
        if current.status.is_final() {
            return Err(DomainError::conflict(
                "procurement_closed",
                format!("a {} procurement cannot be edited", current.status),
            ));
        }
        let draft = current.status == ProcurementStatus::Draft;
        let terms_changed =
            self.price_per_unit.is_some() || self.min_quantity.is_some() || self.commission_percent.is_some();
        if terms_changed && !draft {
            return Err(DomainError::conflict(
                "terms_locked",
                "price per unit, minimum quantity and commission can change only while the procurement is a draft",
            ));
        }
        if let Some(t) = &self.title {
            self.title = Some(required_text("title", t, 200)?);
        }
        if let Some(d) = &self.description {
            self.description = Some(required_text("description", d, 10_000)?);
        }
        if let Some(c) = &self.city {
            self.city = Some(required_text("city", c, 100)?);
        }
        if let Some(a) = self.target_amount {
            positive("target_amount", a)?;
        }
        if let Some(Some(stop)) = self.stop_at_amount {
            positive("stop_at_amount", stop)?;
            if stop < current.current_amount {
                return Err(DomainError::invalid(
                    "stop_at_amount",
                    format!("cannot be below the {} already collected", current.current_amount),
                ));
            }
        }
        if let Some(Some(price)) = self.price_per_unit {
            positive("price_per_unit", price)?;
        }
        if let Some(u) = &self.unit {
            self.unit = Some(unit(u)?);
        }
        self.min_quantity = self.min_quantity.map(min_quantity).transpose()?;
        self.commission_percent = self.commission_percent.map(commission).transpose()?;
        if let Some(deadline) = self.deadline {
            future("deadline", deadline, now)?;
        }
        if let Some(u) = &self.image_url {
            self.image_url = Some(url("image_url", u)?);
        }
        Ok(self)
    }
}
