use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use workflows::catalog::{Category, CategoryInput};

#[derive(Object)]
pub struct CategoryOut {
    pub id: i64,
    pub name: String,
    pub description: String,
    #[oai(nullable)]
    pub parent: Option<i64>,
    /// An emoji or icon name.
    pub icon: String,
    pub is_active: bool,
}

impl From<Category> for CategoryOut {
    fn from(c: Category) -> Self {
        Self {
            id: c.id,
            name: c.name,
            description: c.description,
            parent: c.parent_id,
            icon: c.icon,
            is_active: c.is_active,
        }
    }
}

/// A category to create (`name` required) or the fields to change.
#[derive(Object)]
pub struct CategoryIn {
    #[oai(nullable, validator(min_length = 1, max_length = 100), deserialize_with = "crate::wire::strict")]
    pub name: Option<String>,
    #[oai(nullable, validator(max_length = 2000), deserialize_with = "crate::wire::strict")]
    pub description: Option<String>,
    #[oai(nullable)]
    pub parent: MaybeUndefined<i64>,
    #[oai(nullable, validator(max_length = 50), deserialize_with = "crate::wire::strict")]
    pub icon: Option<String>,
    #[oai(nullable)]
    pub is_active: Option<bool>,
}

impl From<CategoryIn> for CategoryInput {
    fn from(c: CategoryIn) -> Self {
        Self {
            name: c.name,
            description: c.description,
            parent_id: super::maybe(c.parent),
            icon: c.icon,
            is_active: c.is_active,
        }
    }
}
