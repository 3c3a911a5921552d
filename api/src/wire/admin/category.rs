//! Categories as the staff tree editor sees them.

use poem_openapi::Object;
use workflows::admin::categories::StaffCategory;

#[derive(Object)]
pub struct AdminCategoryOut {
    pub id: i64,
    pub name: String,
    pub description: String,
    #[oai(nullable)]
    pub parent: Option<i64>,
    pub icon: String,
    pub is_active: bool,
    /// Procurements filed under it.
    pub procurements_count: i64,
    /// Categories directly under it.
    pub children_count: i64,
}

impl From<StaffCategory> for AdminCategoryOut {
    fn from(s: StaffCategory) -> Self {
        let c = s.category;
        Self {
            id: c.id,
            name: c.name,
            description: c.description,
            parent: c.parent_id,
            icon: c.icon,
            is_active: c.is_active,
            procurements_count: s.procurements_count,
            children_count: s.children_count,
        }
    }
}
