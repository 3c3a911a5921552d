//! The domain's records in the shapes the bot core formats.

use chrono::{DateTime, Utc};
use workflows::catalog::Category;
use workflows::procurement::Procurement;

use crate::model::{CategoryView, ProcurementListItem, ProcurementView};

pub fn procurement(p: &Procurement, now: DateTime<Utc>) -> ProcurementView {
    ProcurementView {
        id: p.id,
        title: p.title.clone(),
        description: p.description.clone(),
        organizer_name: p.organizer_name.clone(),
        category_name: p.category_name.clone(),
        city: p.city.clone(),
        target_amount: p.target_amount.kopecks(),
        current_amount: p.current_amount.kopecks(),
        participant_count: i64::from(p.participant_count),
        unit: p.unit.clone(),
        price_per_unit: p.price_per_unit.map(|m| m.kopecks()),
        deadline: p.deadline.to_rfc3339(),
        status: p.status.to_string(),
        stop_at_amount: p.stop_at_amount.map(|m| m.kopecks()),
        can_join: p.can_join(now),
        progress: p.progress(),
    }
}

pub fn list_item(p: &Procurement) -> ProcurementListItem {
    ProcurementListItem { id: p.id, title: p.title.clone(), progress: p.progress() }
}

pub fn category(c: &Category) -> CategoryView {
    CategoryView { id: c.id, name: c.name.clone(), icon: c.icon.clone() }
}
